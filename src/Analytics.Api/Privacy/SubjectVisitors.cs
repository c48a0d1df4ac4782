using Analytics.Privacy.Reads;
using Analytics.Storage;

namespace Analytics.Privacy;

/// <summary>
/// The visitor ids of a subject on a site: a customer's every device, from its identity links and from every version
/// of its CRM profile's <c>visitor_ids</c> (an older version may name a device the latest no longer does). Consent
/// history and data-subject requests both take a customer's devices from here.
/// </summary>
public static class SubjectVisitors
{
    public static async Task<IReadOnlyList<string>> OfCustomerAsync(IClickHouse clickHouse, string siteId, string customerId, CancellationToken ct)
    {
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT DISTINCT visitor_id FROM
            (
                SELECT visitor_id FROM identity_links WHERE site_id = {siteId} AND customer_id = {customerId}
                UNION ALL
                SELECT arrayJoin(visitor_ids) AS visitor_id FROM customers WHERE site_id = {siteId} AND customer_id = {customerId}
            )
            WHERE visitor_id != ''
            ORDER BY visitor_id
            """), PrivacyReadsJson.Default.VisitorIdRow, ct);
        return rows.Select(r => r.VisitorId).ToList();
    }
}
