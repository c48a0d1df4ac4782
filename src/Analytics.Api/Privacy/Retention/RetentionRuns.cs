using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Privacy.Retention;

/// <summary>
/// When retention last ran, per site, in <c>retention_runs</c> (0015), so it survives a restart; read once and then
/// kept in memory (this process is the one that writes it).
/// </summary>
public sealed class RetentionRuns(IClickHouse clickHouse)
{
    readonly ConcurrentDictionary<string, DateTimeOffset> lastRun = new();
    readonly SemaphoreSlim loading = new(1, 1);
    volatile bool loaded;

    /// <summary>When retention last ran for the site, or null if it never has.</summary>
    public async ValueTask<DateTimeOffset?> LastRunAsync(string siteId, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct);
        return lastRun.TryGetValue(siteId, out var at) ? at : null;
    }

    /// <summary>The latest run of any site: the job's next run is one interval after it.</summary>
    public async ValueTask<DateTimeOffset?> LatestAsync(CancellationToken ct)
    {
        await EnsureLoadedAsync(ct);
        return lastRun.IsEmpty ? null : lastRun.Values.Max();
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
        foreach (var site in sites) lastRun[site] = at;
    }

    async ValueTask EnsureLoadedAsync(CancellationToken ct)
    {
        if (loaded) return;
        await loading.WaitAsync(ct);
        try
        {
            if (loaded) return;
            var rows = await clickHouse.QueryListAsync(Sql.Query($"""
                SELECT site_id, toUnixTimestamp(max(ran_at)) AS ran_s FROM retention_runs GROUP BY site_id
                """), RetentionJson.Default.RetentionRunRow, ct);
            foreach (var row in rows) lastRun.AddOrUpdate(row.SiteId, DateTimeOffset.FromUnixTimeSeconds(row.RanS), (_, known) => known);
            loaded = true;
        }
        finally
        {
            loading.Release();
        }
    }
}

public sealed record RetentionRunRow(string SiteId, long RanS);

public sealed record PartitionRow(string Partition);

public sealed record SiteCountRow(string SiteId, long N);

public sealed record StatementRow(string Statement);

public sealed record TypeRow(string Type);

[JsonSerializable(typeof(RetentionRunRow))]
[JsonSerializable(typeof(PartitionRow))]
[JsonSerializable(typeof(SiteCountRow))]
[JsonSerializable(typeof(StatementRow))]
[JsonSerializable(typeof(TypeRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class RetentionJson : JsonSerializerContext;
