using Analytics.Storage;

namespace Analytics.Customers;

/// <summary>What the customer list is filtered by (validated): id/name/email prefix, class, CRM segment.</summary>
public sealed record CustomerFilter(string? Prefix, string? Class, string? Segment);

/// <summary>The reads of GET /api/customers besides the cached order totals and A/B/C ranking.</summary>
public static class CustomerListSql
{
    /// <summary>The CRM's customers matching the prefix (id, name or email, any case) and segment: one scan of <c>customers</c>.</summary>
    public static Sql CrmCustomers(string siteId, CustomerFilter filter)
    {
        var prefix = filter.Prefix is { } q
            ? Sql.Query($"""
                AND (positionCaseInsensitiveUTF8(customer_id, {q}) = 1 OR positionCaseInsensitiveUTF8(name, {q}) = 1
                    OR positionCaseInsensitiveUTF8(email, {q}) = 1)
                """)
            : Sql.Query($"");
        var segment = filter.Segment is { } s ? Sql.Query($"AND segment = {s}") : Sql.Query($"");
        return Sql.Query($"""
            SELECT customer_id, name, email, segment FROM customers FINAL
            WHERE site_id = {siteId} {prefix} {segment}
            """);
    }

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
