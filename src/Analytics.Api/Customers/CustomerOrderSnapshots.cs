using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Customers;

/// <summary>
/// A site's orders with their customers (<see cref="CustomerOrdersSql"/>'s columns), as a source for the reports' SQL:
/// a stored snapshot of them (<see cref="CustomerOrderSnapshots"/>) when <see cref="Snapshot"/> is set, else the query
/// itself. Both give the same rows.
/// </summary>
public sealed record CustomerOrders(string SiteId, long? Snapshot = null)
{
    /// <summary>The orders whose time is in [from, to).</summary>
    public Sql For(DateTimeOffset from, DateTimeOffset to) => Snapshot is { } snapshot
        ? Sql.Query($"""
            SELECT order_id, customer_id, vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned, source
            FROM customer_orders
            WHERE site_id = {SiteId} AND snapshot = {snapshot} AND ts >= {from} AND ts < {to}
            """)
        : CustomerOrdersSql.For(SiteId, from, to);

    /// <summary>Every order of the site, whenever it was placed.</summary>
    public Sql All() => For(DateTimeOffset.UnixEpoch, DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue));
}

/// <summary>
/// Stored snapshots of each site's orders with their customers (migration 0028, docs/customers.md "Stored customer
/// orders"). Resolving every order of a site to its customer (CRM orders and tracker purchases deduplicated, anonymous
/// purchases through the identity links) took 0.65 s on chDB and 1.35 s on 18.16 at 10 M events, and A/B/C, RFM,
/// value, frequency and segments each did it once or more per request. A snapshot is built in the background for the
/// version of its inputs (<see cref="Inputs"/>: block numbers and rows of their parts, read by <see cref="TablesVersion"/>)
/// and served only while that version is current: any order, purchase or link written since, or any
/// erasure, makes readers take the query again until the next snapshot is built. So a report's answer never depends
/// on whether a snapshot was there. On a cluster the query is always used (the snapshot is one node's view of the
/// parts).
/// </summary>
public sealed class CustomerOrderSnapshots(IClickHouse clickHouse, ILogger<CustomerOrderSnapshots> log, Observability.Metrics? metrics = null,
    Microsoft.Extensions.Options.IOptions<CustomerOptions>? options = null)
{
    /// <summary>The least time between two builds for a site (<see cref="CustomerOptions.OrderSnapshotInterval"/>; none without options).</summary>
    readonly TimeSpan interval = options?.Value.OrderSnapshotInterval ?? TimeSpan.Zero;

    readonly Observability.Histogram? buildSeconds = metrics?.Histogram("analytics_customer_order_snapshot_seconds",
        "Time to store one snapshot of a site's orders with their customers (Customers/CustomerOrderSnapshots).", [0.1, 1, 10, 60, 600]);

    /// <summary>What a site's resolved orders are computed from.</summary>
    static readonly string[] Inputs = ["identity_links", "orders", "purchase_events"];

    /// <summary>A snapshot that a newer one (of other data) replaced this long ago is deleted: no reader still reads it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    readonly HashSet<string> building = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> lastStarted = new(StringComparer.Ordinal);

    /// <summary>
    /// The site's orders: its snapshot of the current inputs if one is stored, else the query; in that case a snapshot
    /// of the current inputs is built in the background (one build per site at a time, and at most one per
    /// <see cref="CustomerOptions.OrderSnapshotInterval"/>).
    /// </summary>
    public async Task<CustomerOrders> OfAsync(string siteId, CancellationToken ct)
    {
        if (clickHouse.Cluster is not null) return new CustomerOrders(siteId);
        var version = await VersionAsync(ct);
        var stored = await CurrentAsync(siteId, version, ct);
        if (stored is not null) return new CustomerOrders(siteId, stored);
        lock (building)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (lastStarted.TryGetValue(siteId, out var last) && System.Diagnostics.Stopwatch.GetElapsedTime(last, now) < interval) return new CustomerOrders(siteId);
            if (!building.Add(siteId)) return new CustomerOrders(siteId);
            lastStarted[siteId] = now;
        }
        _ = Task.Run(async () =>
        {
            try { await BuildAsync(siteId, version, CancellationToken.None); }
            catch (Exception e) { log.LogWarning(e, "Building the stored orders of site {Site} failed; reports read the orders directly", siteId); }
            finally { lock (building) building.Remove(siteId); }
        }, CancellationToken.None);
        return new CustomerOrders(siteId);
    }

    /// <summary>The scope with the snapshot of its site's orders to read, if one is current (<see cref="OfAsync"/>).</summary>
    public async Task<Reports.Filters.ReportScope> WithOrdersAsync(Reports.Filters.ReportScope scope, CancellationToken ct) =>
        scope with { OrdersSnapshot = (await OfAsync(scope.Site.Id, ct)).Snapshot };

    /// <summary>
    /// Builds a snapshot of the site's orders for <paramref name="version"/>, read before the orders: data written in
    /// between goes into the snapshot too, but then the version has moved on and the snapshot is never served. Returns its id.
    /// </summary>
    public async Task<long> BuildAsync(string siteId, string version, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var snapshot = Random.Shared.NextInt64(1, long.MaxValue);
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO customer_orders (site_id, snapshot, order_id, customer_id, vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned, source)
            SELECT {siteId}, {snapshot}, order_id, customer_id, vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned, source
            FROM ({CustomerOrdersSql.All(siteId)})
            """), ct);
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO customer_order_snapshots (site_id, snapshot, version, built_ms)
            VALUES ({siteId}, {snapshot}, {version}, {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})
            """), ct);
        await DeleteReplacedAsync(siteId, DateTimeOffset.UtcNow, ct);
        buildSeconds?.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        return snapshot;
    }

    /// <summary>The version of the inputs now (a merge leaves it as it is).</summary>
    public Task<string> VersionAsync(CancellationToken ct) => TablesVersion.ReadAsync(clickHouse, Inputs, ct, countParts: false);

    async Task<long?> CurrentAsync(string siteId, string version, CancellationToken ct) =>
        (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT snapshot, version, built_ms FROM customer_order_snapshots
            WHERE site_id = {siteId} AND version = {version}
            ORDER BY snapshot LIMIT 1
            """), SnapshotJson.Default.SnapshotRow, ct))?.Snapshot;

    /// <summary>
    /// Deletes the site's snapshots that one of other data replaced more than <see cref="Grace"/> ago (<see cref="Replaced"/>).
    /// </summary>
    public async Task DeleteReplacedAsync(string siteId, DateTimeOffset now, CancellationToken ct)
    {
        var snapshots = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT snapshot, version, built_ms FROM customer_order_snapshots WHERE site_id = {siteId}
            """), SnapshotJson.Default.SnapshotRow, ct);
        var replaced = Replaced(snapshots, now);
        if (replaced.Count == 0) return;
        // The names first: a snapshot still named without its rows would be served empty; one whose name is gone is never read.
        await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE customer_order_snapshots DELETE WHERE site_id = {siteId} AND snapshot IN {SqlInList.Of(replaced)}"), ct);
        await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE customer_orders DELETE WHERE site_id = {siteId} AND snapshot IN {SqlInList.Of(replaced)}"), ct);
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
