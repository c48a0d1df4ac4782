using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Auth;
using Analytics.Storage;

namespace Analytics.Crm.Segments;

/// <summary>A segment as stored: its site, definition and webhook with the secret (never answered).</summary>
public sealed record StoredSegment(string SiteId, string Id, string Name, StoredDefinition Definition, string WebhookUrl, string WebhookSecret,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public Segment ToAnswer() => new(Id, Name, Definition.PeriodDays, Definition.Filters,
        WebhookUrl.Length == 0 ? null : new SegmentWebhook(WebhookUrl, WebhookSecret.Length > 0), CreatedAt, UpdatedAt);

    public static StoredDefinition DefinitionOf(SegmentBody body) =>
        new(body.PeriodDays ?? SegmentRules.DefaultPeriodDays, body.Filters ?? new SegmentFilters(null, null, null, null, null));
}

/// <summary>Segments in the <c>segments</c> table: the newest version of a segment wins; a removal is a newer row.</summary>
public sealed class SegmentStore(IClickHouse clickHouse)
{
    public async Task<List<StoredSegment>> ListAsync(string siteId, CancellationToken ct) =>
        (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT site_id, segment_id, name, definition, webhook_url, webhook_secret, toUInt64(created_at) AS created_s, toUInt64(updated_at) AS updated_s
            FROM segments FINAL WHERE site_id = {siteId} AND removed = 0 ORDER BY created_at, segment_id
            """), SegmentRowsJson.Default.SegmentRow, ct)).Select(ToSegment).ToList();

    /// <summary>The segment of this id on any site (the caller checks the site's access), or null.</summary>
    public async Task<StoredSegment?> FindAsync(string segmentId, CancellationToken ct) =>
        (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT site_id, segment_id, name, definition, webhook_url, webhook_secret, toUInt64(created_at) AS created_s, toUInt64(updated_at) AS updated_s
            FROM segments FINAL WHERE segment_id = {segmentId} AND removed = 0
            """), SegmentRowsJson.Default.SegmentRow, ct)).Select(ToSegment).FirstOrDefault();

    /// <summary>Every segment with a webhook, of every site (the background job).</summary>
    public async Task<List<StoredSegment>> WithWebhooksAsync(CancellationToken ct) =>
        (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT site_id, segment_id, name, definition, webhook_url, webhook_secret, toUInt64(created_at) AS created_s, toUInt64(updated_at) AS updated_s
            FROM segments FINAL WHERE removed = 0 AND webhook_url != ''
            """), SegmentRowsJson.Default.SegmentRow, ct)).Select(ToSegment).ToList();

    public async Task<StoredSegment> SaveAsync(string siteId, string? id, SegmentBody body, DateTimeOffset? createdAt, CancellationToken ct)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var segment = new StoredSegment(siteId, id ?? Guid.CreateVersion7().ToString("N"), body.Name!.Trim(), StoredSegment.DefinitionOf(body),
            body.Webhook?.Url ?? "", body.Webhook?.Secret ?? "", createdAt ?? now, now);
        await WriteAsync(segment, removed: false, ct);
        return segment;
    }

    public Task RemoveAsync(StoredSegment segment, CancellationToken ct) => WriteAsync(segment, removed: true, ct);

    Task WriteAsync(StoredSegment s, bool removed, CancellationToken ct) => clickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO segments (site_id, segment_id, name, definition, webhook_url, webhook_secret, created_at, updated_at, removed, version)
        VALUES ({s.SiteId}, {s.Id}, {s.Name}, {JsonSerializer.Serialize(s.Definition, SegmentJson.Default.StoredDefinition)}, {s.WebhookUrl},
            {s.WebhookSecret}, {s.CreatedAt}, {s.UpdatedAt}, {(removed ? 1 : 0)}, {ChangeVersion.Next()})
        """), ct);

    static StoredSegment ToSegment(SegmentRow r) => new(r.SiteId, r.SegmentId, r.Name,
        JsonSerializer.Deserialize(r.Definition, SegmentJson.Default.StoredDefinition)!, r.WebhookUrl, r.WebhookSecret,
        DateTimeOffset.FromUnixTimeSeconds(r.CreatedS), DateTimeOffset.FromUnixTimeSeconds(r.UpdatedS));
}

public sealed record SegmentRow(string SiteId, string SegmentId, string Name, string Definition, string WebhookUrl, string WebhookSecret, long CreatedS, long UpdatedS);

[JsonSerializable(typeof(SegmentRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class SegmentRowsJson : JsonSerializerContext;
