using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Crm;

/// <summary>
/// The one definition of "the orders of a site", for reports and the 360-degree view. A tracker <c>purchase</c>
/// event and a CRM order with the same <c>order_id</c> are one order:
/// <list type="bullet">
/// <item>a CRM order is taken with the CRM's customer, time, revenue, currency and cost (the CRM's figures win), and
///   the visitor id of the tracker's purchase if there is one (<c>source = 'crm'</c>);</item>
/// <item>a purchase event whose order the CRM does not know is taken from its first event (<c>source = 'tracker'</c>);
///   repeated purchase events of one order count once;</item>
/// <item>a CRM order with <c>status = 'returned'</c> stays listed with <c>returned = 1</c> but revenue and cost 0:
///   it has no revenue, and a report that counts orders filters <c>returned = 0</c>.</item>
/// </list>
/// Columns: site_id, order_id, customer_id, vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned,
/// source. Use it as a subquery: <c>SELECT … FROM ({OrdersSql.For(site, from, to)})</c>. The purchase events are read
/// from their copy, <c>purchase_events</c> (migration 0027), not from every event of the site.
/// </summary>
public static class OrdersSql
{
    /// <summary>The orders of a site whose time (the CRM's, else the first purchase event's) is in [from, to).</summary>
    // Inner columns are renamed (crm_*, purchase_*): an alias equal to a column it is computed from is an error on 18.16.
    // No order_id IN / NOT IN (a site's CRM orders) inside a read of purchase_events: order_id is in its key, and 18.16
    // checks such a set against the key first (10 M events, 536 698 orders: 2.1 s and 1.6 s; outside the read 0.1 and 0.5 s).
    // The purchases are few, so the CRM side groups them all and its LEFT JOIN keeps the CRM's orders.
    // The CRM's order ids for the NOT IN need no FINAL: every version of an order holds its id (536 698 orders: 52–75 →
    // 18–21 ms on 18.16).
    public static Sql For(string siteId, DateTimeOffset from, DateTimeOffset to) => Sql.Query($"""
        SELECT site_id, order_id, customer_id, vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned, source
        FROM
        (
            SELECT {siteId} AS site_id, order_id, crm_customer_id AS customer_id, tracker_vid AS vid, crm_ts AS ts,
                   if(crm_status = 'returned', toFloat64(0), crm_revenue) AS revenue, crm_currency AS currency,
                   if(crm_status = 'returned', toFloat64(0), crm_cost_of_goods) AS cost_of_goods, crm_has_cost_of_goods AS has_cost_of_goods,
                   toUInt8(crm_status = 'returned') AS returned, 'crm' AS source
            FROM
            (
                SELECT order_id, customer_id AS crm_customer_id, ts AS crm_ts, revenue AS crm_revenue, currency AS crm_currency,
                       cost_of_goods AS crm_cost_of_goods, has_cost_of_goods AS crm_has_cost_of_goods, status AS crm_status
                FROM orders FINAL
                WHERE site_id = {siteId} AND ts >= {from} AND ts < {to}
            ) AS crm
            ANY LEFT JOIN
            (
                SELECT order_id, argMin(vid, ts) AS tracker_vid
                FROM purchase_events
                WHERE site_id = {siteId} AND order_id != ''
                GROUP BY order_id
            ) AS tracker USING (order_id)
            UNION ALL
            SELECT {siteId} AS site_id, order_id, argMin(purchase_customer_id, purchase_ts) AS customer_id, argMin(purchase_vid, purchase_ts) AS vid,
                   min(purchase_ts) AS ts, argMin(purchase_revenue, purchase_ts) AS revenue, argMin(purchase_currency, purchase_ts) AS currency,
                   toFloat64(0) AS cost_of_goods, toUInt8(0) AS has_cost_of_goods, toUInt8(0) AS returned, 'tracker' AS source
            FROM
            (
                SELECT order_id, customer_id AS purchase_customer_id, vid AS purchase_vid, ts AS purchase_ts, revenue AS purchase_revenue,
                       currency AS purchase_currency
                FROM purchase_events
                WHERE site_id = {siteId} AND order_id != '' AND ts >= {from} AND ts < {to}
                  {EventDates.From(from.ToUnixTimeMilliseconds())} {EventDates.Until(to.ToUnixTimeMilliseconds())}
            )
            WHERE order_id NOT IN (SELECT order_id FROM orders WHERE site_id = {siteId})
            GROUP BY order_id
        )
        """);

    /// <summary>
    /// The revenue of every CRM order of a site (columns order_id, crm_revenue): the <c>source = 'crm'</c> rows of
    /// <see cref="All"/> without reading the events, for a caller that has the tracker's side already (journeys).
    /// </summary>
    public static Sql CrmRevenue(string siteId) => Sql.Query($"""
        SELECT order_id, if(status = 'returned', toFloat64(0), revenue) AS crm_revenue
        FROM orders FINAL
        WHERE site_id = {siteId}
        """);

    /// <summary>Every order of a site, whenever it was placed.</summary>
    public static Sql All(string siteId) => For(siteId, DateTimeOffset.UnixEpoch, DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue));
}
