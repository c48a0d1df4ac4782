using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Crm.Segments;

/// <summary>One attempt to deliver a run's change: status 0 when no HTTP answer came (the result says why).</summary>
public sealed record SegmentDelivery(string DeliveryId, DateTimeOffset Time, int Attempt, int StatusCode, string Result, int Entered, int Left);

/// <summary>The delivery log (<c>segment_deliveries</c>): every attempt, newest first when read.</summary>
public sealed class SegmentDeliveries(IClickHouse clickHouse)
{
    public const int MaxListed = 1000;

    public Task LogAsync(SegmentDelivery d, string siteId, string segmentId, CancellationToken ct) => clickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO segment_deliveries (site_id, segment_id, run_id, attempted_at, attempted_ms, attempt, status_code, result, entered_count, left_count)
        VALUES ({siteId}, {segmentId}, {d.DeliveryId}, {d.Time}, {(ulong)d.Time.ToUnixTimeMilliseconds()}, {d.Attempt}, {d.StatusCode}, {d.Result},
            {d.Entered}, {d.Left})
        """), ct);

    public async Task<List<SegmentDelivery>> ListAsync(StoredSegment segment, CancellationToken ct) =>
        (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT run_id, attempted_ms, attempt, status_code, result, entered_count, left_count
            FROM segment_deliveries WHERE site_id = {segment.SiteId} AND segment_id = {segment.Id}
            ORDER BY attempted_ms DESC, attempt DESC LIMIT {MaxListed}
            """), SegmentDeliveryJson.Default.DeliveryRow, ct))
        .Select(r => new SegmentDelivery(r.RunId, DateTimeOffset.FromUnixTimeMilliseconds(r.AttemptedMs), r.Attempt, r.StatusCode, r.Result, r.EnteredCount, r.LeftCount))
        .ToList();
}

public sealed record DeliveryRow(string RunId, long AttemptedMs, int Attempt, int StatusCode, string Result, int EnteredCount, int LeftCount);

[JsonSerializable(typeof(DeliveryRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class SegmentDeliveryJson : JsonSerializerContext;
