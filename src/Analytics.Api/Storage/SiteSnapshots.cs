using System.Text.Json.Serialization;

namespace Analytics.Storage;

/// <summary>
/// Stored snapshots of something a site's reports derive from several tables (the orders with their customers, the
/// customers' first touches): rows written under a random snapshot id into <see cref="RowsTable"/>, then named in
/// <see cref="NamesTable"/> with the version of their inputs (<see cref="TablesVersion.ContentsAsync"/>: block numbers,
/// partitions and mutations). A snapshot is served only while that version is current, so any write to an input, or any erasure,
/// makes readers take the query again until the next snapshot is built in the background: an answer never depends on
/// whether a snapshot was there. On a cluster the query is always used (a snapshot would be one node's view of the
/// parts). Both tables have the columns <c>site_id</c> and <c>snapshot</c>; the names table also <c>version</c> and
/// <c>built_ms</c> (milliseconds: builds of a small site follow each other within a second).
/// </summary>
public abstract class SiteSnapshots
{
    readonly IClickHouse clickHouse;
    readonly ILogger log;
    readonly TimeSpan interval;
    readonly Observability.Histogram? buildSeconds;
    readonly IReadOnlyList<string> inputs;
    readonly HashSet<string> building = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> lastStarted = new(StringComparer.Ordinal);

    /// <param name="interval">The least time between two builds for a site: where the inputs change every few seconds,
    /// readers take the query in between instead of one build after another.</param>
    protected SiteSnapshots(IClickHouse clickHouse, ILogger log, TimeSpan interval, Observability.Histogram? buildSeconds,
        string rowsTable, string namesTable, IReadOnlyList<string> inputs)
    {
        (this.clickHouse, this.log, this.interval, this.buildSeconds, this.inputs) = (clickHouse, log, interval, buildSeconds, inputs);
        (RowsTable, NamesTable) = (new SqlIdentifier(rowsTable), new SqlIdentifier(namesTable));
    }

    protected SqlIdentifier RowsTable { get; }
    protected SqlIdentifier NamesTable { get; }

    /// <summary>A snapshot that a newer one (of other data) replaced this long ago is deleted: no reader still reads it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    /// <summary>The INSERT of the site's rows under <paramref name="snapshot"/> into <see cref="RowsTable"/>.</summary>
    protected abstract ValueTask<Sql> InsertAsync(string siteId, long snapshot, CancellationToken ct);

    /// <summary>
    /// The site's snapshot of the current inputs if one is stored, else null (read the query); in that case a snapshot of
    /// the current inputs is built in the background (one build per site at a time, and at most one per interval).
    /// </summary>
    public async Task<long?> SnapshotOfAsync(string siteId, CancellationToken ct)
    {
        if (clickHouse.Cluster is not null) return null;
        var version = await VersionAsync(ct);
        var stored = await CurrentAsync(siteId, version, ct);
        if (stored is not null) return stored;
        lock (building)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (lastStarted.TryGetValue(siteId, out var last) && System.Diagnostics.Stopwatch.GetElapsedTime(last, now) < interval) return null;
            if (!building.Add(siteId)) return null;
            lastStarted[siteId] = now;
        }
        _ = Task.Run(async () =>
        {
            try { await BuildAsync(siteId, version, CancellationToken.None); }
            catch (Exception e) { log.LogWarning(e, "Building a stored snapshot ({Table}) of site {Site} failed; reports read the query", RowsTable.Name, siteId); }
            finally { lock (building) building.Remove(siteId); }
        }, CancellationToken.None);
        return null;
    }

    /// <summary>
    /// Builds a snapshot of the site for <paramref name="version"/>, read before the inputs: data written in between
    /// goes into the snapshot too, but then the version has moved on and the snapshot is never served. Returns its id.
    /// </summary>
    public async Task<long> BuildAsync(string siteId, string version, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var snapshot = Random.Shared.NextInt64(1, long.MaxValue);
        await clickHouse.ExecuteAsync(await InsertAsync(siteId, snapshot, ct), ct);
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO {NamesTable} (site_id, snapshot, version, built_ms)
            VALUES ({siteId}, {snapshot}, {version}, {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})
            """), ct);
        await DeleteReplacedAsync(siteId, DateTimeOffset.UtcNow, ct);
        buildSeconds?.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        return snapshot;
    }

    /// <summary>The version of the inputs' contents now (a merge leaves it as it is: <see cref="TablesVersion.ContentsAsync"/>).</summary>
    public Task<string> VersionAsync(CancellationToken ct) => TablesVersion.ContentsAsync(clickHouse, inputs, ct);

    async Task<long?> CurrentAsync(string siteId, string version, CancellationToken ct) =>
        (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT snapshot, version, built_ms FROM {NamesTable}
            WHERE site_id = {siteId} AND version = {version}
            ORDER BY snapshot LIMIT 1
            """), SnapshotJson.Default.SnapshotRow, ct))?.Snapshot;

    /// <summary>
    /// Deletes the site's snapshots that one of other data replaced more than <see cref="Grace"/> ago (<see cref="Replaced"/>).
    /// </summary>
    public async Task DeleteReplacedAsync(string siteId, DateTimeOffset now, CancellationToken ct)
    {
        var snapshots = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT snapshot, version, built_ms FROM {NamesTable} WHERE site_id = {siteId}
            """), SnapshotJson.Default.SnapshotRow, ct);
        var replaced = Replaced(snapshots, now);
        if (replaced.Count == 0) return;
        // The names first: a snapshot still named without its rows would be served empty; one whose name is gone is never read.
        await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {NamesTable} DELETE WHERE site_id = {siteId} AND snapshot IN {SqlInList.Of(replaced)}"), ct);
        await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {RowsTable} DELETE WHERE site_id = {siteId} AND snapshot IN {SqlInList.Of(replaced)}"), ct);
    }

    /// <summary>
    /// The snapshots to delete: those for which a later one of another version was built more than <see cref="Grace"/>
    /// before <paramref name="now"/>. Their data changed before that later one was built, so since then no reader has
    /// chosen them, and a reader that chose one earlier has long finished.
    /// </summary>
    public static List<long> Replaced(IReadOnlyList<SnapshotRow> snapshots, DateTimeOffset now)
    {
        var before = (now - Grace).ToUnixTimeMilliseconds();
        return snapshots.Where(s => snapshots.Any(later => later.BuiltMs > s.BuiltMs && later.BuiltMs < before && later.Version != s.Version))
            .Select(s => s.Snapshot).ToList();
    }
}

public sealed record SnapshotRow(long Snapshot, string Version, long BuiltMs);

[JsonSerializable(typeof(SnapshotRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class SnapshotJson : JsonSerializerContext;
