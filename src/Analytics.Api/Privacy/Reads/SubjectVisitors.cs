using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Privacy.Reads;

/// <summary>
/// The visitor ids of a subject on a site: a customer's every device, from its identity links and from every version
/// of its CRM profile's <c>visitor_ids</c> (an older version may name a device the latest no longer does).
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

public sealed record VisitorIdRow(string VisitorId);

public sealed record ConsentProofRow(string ConsentId, long ReceivedS, string Vid, int Analytics, int Marketing, string PolicyVersion,
    string Source, string IpTruncated, string UserAgent);

public sealed record AuditRow(string AuditId, long AtS, string UserId, string Role, string Action, string RequestId, string Subject,
    string Result, string Detail);

[JsonSerializable(typeof(VisitorIdRow))]
[JsonSerializable(typeof(ConsentProofRow))]
[JsonSerializable(typeof(AuditRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class PrivacyReadsJson : JsonSerializerContext;
