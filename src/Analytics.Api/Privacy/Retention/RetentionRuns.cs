using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Privacy.Retention;

/// <summary>
/// When retention last ran, per site, in <c>retention_runs</c> (0015): it survives a restart, and every node of a
/// cluster reads the same (a point read by the table's key, so no cache that another node's run would leave stale).
/// </summary>
public sealed class RetentionRuns(IClickHouse clickHouse, ILogger<RetentionRuns> logger)
{
    readonly ConcurrentDictionary<string, DateTimeOffset> lastKnown = new();

    /// <summary>
    /// When retention last ran for the site, or null if it never has. With ClickHouse away, the last value this node
    /// read or wrote: the site record (its snippet) stays available in an outage, as it was before this field.
    /// </summary>
    public async Task<DateTimeOffset?> LastRunAsync(string siteId, CancellationToken ct)
    {
        try
        {
            var at = await LatestAsync(Sql.Query($"site_id = {siteId}"), ct);
            if (at is { } known) lastKnown[siteId] = known;
            return at;
        }
        catch (ClickHouseException e)
        {
            logger.LogWarning("Retention's last run of a site is not readable ({Error}); answering the last known", e.Message);
            return lastKnown.TryGetValue(siteId, out var known) ? known : null;
        }
    }

    /// <summary>The latest run of any site: the job's next run is one interval after it.</summary>
    public async Task<DateTimeOffset?> LatestAsync(CancellationToken ct) => await LatestAsync(Sql.Query($"1"), ct);

    async Task<DateTimeOffset?> LatestAsync(Sql where, CancellationToken ct)
    {
        var row = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT count() AS runs, toUnixTimestamp(max(ran_at)) AS ran_s FROM retention_runs WHERE {where}
            """), RetentionJson.Default.LatestRunRow, ct);
        return row is { Runs: > 0 } ? DateTimeOffset.FromUnixTimeSeconds(row.RanS) : null;
    }

    public async Task RecordAsync(IReadOnlyDictionary<string, long> removedPerSite, DateTimeOffset at, CancellationToken ct)
    {
        if (removedPerSite.Count == 0) return;
        var sites = removedPerSite.Keys.ToList();
        var removed = sites.Select(s => (ulong)removedPerSite[s]).ToList();
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO retention_runs (site_id, ran_at, removed)
            SELECT {sites}[i], {at}, {removed}[i] FROM (SELECT arrayJoin(arrayEnumerate({sites})) AS i)
            """), ct);
        foreach (var site in sites) lastKnown[site] = DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());
    }
}

public sealed record LatestRunRow(long Runs, long RanS);

public sealed record PartitionRow(string Partition);

public sealed record SiteCountRow(string SiteId, long N);

public sealed record StatementRow(string Statement);

public sealed record TypeRow(string Type);

[JsonSerializable(typeof(LatestRunRow))]
[JsonSerializable(typeof(PartitionRow))]
[JsonSerializable(typeof(SiteCountRow))]
[JsonSerializable(typeof(StatementRow))]
[JsonSerializable(typeof(TypeRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class RetentionJson : JsonSerializerContext;
