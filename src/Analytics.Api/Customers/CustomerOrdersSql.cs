using Analytics.Crm;
using Analytics.Identity;
using Analytics.Storage;

namespace Analytics.Customers;

/// <summary>
/// The orders of <see cref="OrdersSql"/> with the customer they belong to: the order's own customer id (the CRM's, or
/// the purchase event's), else the person of the purchasing visitor at the order's time (DESIGN.md "Semantics": a
/// linked device's anonymous purchase is its customer's); '' for an anonymous order of a never linked visitor.
/// Columns: order_id, customer_id, vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned, source.
/// </summary>
public static class CustomerOrdersSql
{
    public static Sql For(string siteId, DateTimeOffset from, DateTimeOffset to) => Sql.Query($"""
        SELECT order_id, if(order_customer != '', order_customer, if(empty(link_ms), '', {PersonSql.PersonAt(new SqlIdentifier("order_ms"))})) AS customer_id,
            vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned, source
        FROM
        (
            SELECT order_id, customer_id AS order_customer, vid, ts, toUInt64(ts) * 1000 AS order_ms, revenue, currency,
                cost_of_goods, has_cost_of_goods, returned, source
            FROM ({OrdersSql.For(siteId, from, to)})
        ) AS site_orders
        ANY LEFT JOIN ({PersonSql.LinksByVisitor(siteId)}) AS visitor_links USING vid
        """);

    public static Sql All(string siteId) => For(siteId, DateTimeOffset.UnixEpoch, DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue));
}
