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
/// orders"; <see cref="SiteSnapshots"/>). Resolving every order of a site to its customer (CRM orders and tracker
/// purchases deduplicated, anonymous purchases through the identity links) took 0.65 s on chDB and 1.35 s on 18.16 at
/// 10 M events, and A/B/C, RFM, value, frequency and segments each did it once or more per request. Inputs: orders,
/// purchase events and identity links.
/// </summary>
public sealed class CustomerOrderSnapshots(IClickHouse clickHouse, ILogger<CustomerOrderSnapshots> log, Observability.Metrics? metrics = null,
    Microsoft.Extensions.Options.IOptions<CustomerOptions>? options = null)
    : SiteSnapshots(clickHouse, log, options?.Value.OrderSnapshotInterval ?? TimeSpan.Zero,
        metrics?.Histogram("analytics_customer_order_snapshot_seconds",
            "Time to store one snapshot of a site's orders with their customers (Customers/CustomerOrderSnapshots).", [0.1, 1, 10, 60, 600]),
        "customer_orders", "customer_order_snapshots", ["identity_links", "orders", "purchase_events"])
{
    /// <summary>The site's orders: its snapshot of the current inputs if one is stored, else the query (a snapshot is then built in the background).</summary>
    public async Task<CustomerOrders> OfAsync(string siteId, CancellationToken ct) => new(siteId, await SnapshotOfAsync(siteId, ct));

    /// <summary>The scope with the snapshot of its site's orders to read, if one is current (<see cref="OfAsync"/>).</summary>
    public async Task<Reports.Filters.ReportScope> WithOrdersAsync(Reports.Filters.ReportScope scope, CancellationToken ct) =>
        scope with { OrdersSnapshot = (await OfAsync(scope.Site.Id, ct)).Snapshot };

    protected override ValueTask<Sql> InsertAsync(string siteId, long snapshot, CancellationToken ct) => ValueTask.FromResult(Sql.Query($"""
        INSERT INTO customer_orders (site_id, snapshot, order_id, customer_id, vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned, source)
        SELECT {siteId}, {snapshot}, order_id, customer_id, vid, ts, revenue, currency, cost_of_goods, has_cost_of_goods, returned, source
        FROM ({CustomerOrdersSql.All(siteId)})
        """));
}
