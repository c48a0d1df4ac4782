using Analytics.Storage;

namespace Analytics.Customers;

/// <summary>What the customer list is filtered by (validated): id/name/email prefix, class, CRM segment.</summary>
public sealed record CustomerFilter(string? Prefix, string? Class, string? Segment);

/// <summary>
/// GET /api/customers in one SELECT over the whole site: the CRM's customers and every customer with an order, their
/// lifetime revenue and orders (non-returned), first order, and A/B/C class of the period; filtered, sorted by revenue
/// then id, one page. <see cref="Count"/> is the same set's size. Last seen comes after, for the page's rows only.
/// </summary>
public static class CustomerListSql
{
    static Sql Filtered(string siteId, CustomerFilter filter, DateTimeOffset from, DateTimeOffset to, CustomerOptions options)
    {
        var prefix = filter.Prefix is { } q
            ? Sql.Query($"""
                AND (positionCaseInsensitiveUTF8(customer_id, {q}) = 1 OR positionCaseInsensitiveUTF8(name, {q}) = 1
                    OR positionCaseInsensitiveUTF8(email, {q}) = 1)
                """)
            : Sql.Query($"");
        var segment = filter.Segment is { } s ? Sql.Query($"AND segment = {s}") : Sql.Query($"");
        var abcClass = filter.Class is { } c ? Sql.Query($"AND class = {c}") : Sql.Query($"");
        return Sql.Query($"""
            SELECT customer_id, name, email, segment, class, revenue, orders, first_order_s
            FROM
            (
                SELECT customer_id, name, email, segment, if(abc_class = '', 'C', abc_class) AS class, lifetime_revenue AS revenue, orders, first_order_s
                FROM
                (
                    SELECT customer_id, max(crm_name) AS name, max(crm_email) AS email, max(crm_segment) AS segment,
                        sum(order_revenue) AS lifetime_revenue, sum(order_count) AS orders, min(order_first_s) AS first_order_s
                    FROM
                    (
                        SELECT customer_id, name AS crm_name, email AS crm_email, segment AS crm_segment, toFloat64(0) AS order_revenue,
                            toUInt64(0) AS order_count, toUInt32(4294967295) AS order_first_s
                        FROM customers FINAL WHERE site_id = {siteId}
                        UNION ALL
                        SELECT customer_id, '' AS crm_name, '' AS crm_email, '' AS crm_segment, revenue AS order_revenue,
                            toUInt64(returned = 0) AS order_count, if(returned = 0, toUInt32(toUnixTimestamp(ts)), toUInt32(4294967295)) AS order_first_s
                        FROM ({CustomerOrdersSql.All(siteId)}) WHERE customer_id != ''
                    )
                    GROUP BY customer_id
                ) AS lifetime
                ANY LEFT JOIN (SELECT customer_id, class AS abc_class FROM ({AbcSql.Classes(siteId, from, to, options)})) AS abc USING customer_id
            )
            WHERE 1 {prefix} {segment} {abcClass}
            """);
    }

    public static Sql Page(string siteId, CustomerFilter filter, DateTimeOffset from, DateTimeOffset to, CustomerOptions options, int page, int size) =>
        Sql.Query($"""
        SELECT customer_id, name, email, segment, class, revenue, orders, first_order_s, toUInt64(0) AS total
        FROM ({Filtered(siteId, filter, from, to, options)})
        ORDER BY revenue DESC, customer_id
        LIMIT {(long)(page - 1) * size}, {size}
        """);

    public static Sql Count(string siteId, CustomerFilter filter, DateTimeOffset from, DateTimeOffset to, CustomerOptions options) =>
        Sql.Query($"SELECT count() AS n FROM ({Filtered(siteId, filter, from, to, options)})");

    /// <summary>The latest non-bot event of any device linked to each of these customers (a shared device counts for each).</summary>
    public static Sql LastSeen(string siteId, IReadOnlyCollection<string> customers) => Sql.Query($"""
        SELECT customer_id, max(last_ms) AS last_seen_ms
        FROM
        (
            SELECT visitor_id AS vid, customer_id FROM identity_links WHERE site_id = {siteId} AND customer_id IN {SqlInList.Of(customers)}
        ) AS page_links
        ALL INNER JOIN
        (
            SELECT vid, max(ts_ms) AS last_ms FROM events
            WHERE site_id = {siteId} AND is_bot = 0
                AND vid IN (SELECT visitor_id FROM identity_links WHERE site_id = {siteId} AND customer_id IN {SqlInList.Of(customers)})
            GROUP BY vid
        ) AS device_last USING vid
        GROUP BY customer_id
        """);
}
