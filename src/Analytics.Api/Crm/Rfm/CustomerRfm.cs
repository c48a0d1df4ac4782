using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Crm.Rfm;

/// <summary>
/// The RFM part of the 360-degree view: the customer's scores and segment among the site's customers in the view's
/// A/B/C period (<see cref="RfmSql"/>); scores and segment null when the customer has no order in it (not scored).
/// </summary>
public sealed record CustomerRfm(DateTimeOffset From, DateTimeOffset To, int? R, int? F, int? M, string? Segment)
{
    public static async Task<CustomerRfm> ReadAsync(IClickHouse clickHouse, string siteId, string customerId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var row = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT r, f, m, segment FROM ({RfmSql.Segments(siteId, from, to)}) WHERE customer_id = {customerId}
            """), CustomerRfmJson.Default.CustomerRfmRow, ct);
        return row is null ? new CustomerRfm(from, to, null, null, null, null) : new CustomerRfm(from, to, row.R, row.F, row.M, row.Segment);
    }
}

public sealed record CustomerRfmRow(int R, int F, int M, string Segment);

[JsonSerializable(typeof(CustomerRfmRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class CustomerRfmJson : JsonSerializerContext;
