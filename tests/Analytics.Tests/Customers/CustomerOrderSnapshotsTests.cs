using System.Text.Json.Serialization;
using Analytics.Customers;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Customers;

/// <summary>
/// <see cref="CustomerOrderSnapshots"/> on both engines: a snapshot holds exactly the rows of the orders' query, is
/// served only while no order, purchase or link has been written since, and a new one is built in the background.
/// </summary>
public abstract class CustomerOrderSnapshotsTests(EngineFixture engine)
{
    static readonly DateTimeOffset Day = DateTimeOffset.Parse("2026-05-04T10:00:00Z");

    public sealed record OrderRow(string OrderId, string CustomerId, string Vid, long TsS, double Revenue, double CostOfGoods, int Returned, string Source);

    [Fact]
    public async Task A_snapshot_is_the_orders_query_and_is_served_only_until_an_order_purchase_or_link_arrives()
    {
        var site = "snap" + Guid.NewGuid().ToString("N")[..10];
        var snapshots = new CustomerOrderSnapshots(engine.ClickHouse, NullLogger<CustomerOrderSnapshots>.Instance);
        await CrmOrderAsync(site, "O1", "C1", Day, 30, "paid");
        await CrmOrderAsync(site, "O2", "C1", Day.AddDays(1), 70, "returned");
        await PurchaseAsync(site, "O1", "v1", "", Day.AddSeconds(-20), 999); // the CRM's figures win; v1 is the order's visitor
        await PurchaseAsync(site, "O3", "v2", "", Day.AddDays(2), 15);       // anonymous: C2's through the link below
        await InsertAsync(engine.ClickHouse, [Link(site, "v2", "C2", Day.AddDays(3).ToUnixTimeMilliseconds())]);

        // No snapshot yet: the query, and a build in the background (on a cluster always the query).
        Assert.Null((await snapshots.OfAsync(site, CancellationToken.None)).Snapshot);
        if (engine.ClickHouse.Cluster is not null) return;
        var served = await ServedAsync(snapshots, site);
        Assert.Equal(await RowsAsync(new CustomerOrders(site)), await RowsAsync(served));
        Assert.Equal(
            [new OrderRow("O1", "C1", "v1", Day.ToUnixTimeSeconds(), 30, 0, 0, "crm"), new OrderRow("O2", "C1", "", Day.AddDays(1).ToUnixTimeSeconds(), 0, 0, 1, "crm"),
             new OrderRow("O3", "C2", "v2", Day.AddDays(2).ToUnixTimeSeconds(), 15, 0, 0, "tracker")],
            await RowsAsync(served));
        // Its time filter is the query's.
        Assert.Equal(["O2"], (await RowsAsync(served, Day.AddHours(1), Day.AddDays(2))).Select(o => o.OrderId));

        // Each input written since makes the snapshot stale: the query again (with the new row), then a new snapshot.
        foreach (var (what, write) in new (string, Func<Task>)[]
        {
            ("a CRM order", () => CrmOrderAsync(site, "O4", "C3", Day.AddDays(4), 5, "paid")),
            ("a purchase", () => PurchaseAsync(site, "O5", "v2", "", Day.AddDays(5), 8)),
            ("a link", () => InsertAsync(engine.ClickHouse, [Link(site, "v9", "C9", Day.AddDays(6).ToUnixTimeMilliseconds())])),
        })
        {
            var before = (await ServedAsync(snapshots, site)).Snapshot;
            await write();
            var now = await snapshots.OfAsync(site, CancellationToken.None);
            Assert.True(now.Snapshot is null, $"after {what} the stale snapshot was served");
            var next = await ServedAsync(snapshots, site);
            Assert.NotEqual(before, next.Snapshot);
            Assert.Equal(await RowsAsync(new CustomerOrders(site)), await RowsAsync(next));
        }
        Assert.Contains(await RowsAsync(await ServedAsync(snapshots, site)), o => o.OrderId == "O5" && o.CustomerId == "C2");
    }

    [Fact]
    public async Task A_site_gets_at_most_one_build_per_interval_and_reads_the_query_in_between()
    {
        var site = "snapint" + Guid.NewGuid().ToString("N")[..10];
        var options = Microsoft.Extensions.Options.Options.Create(new CustomerOptions { OrderSnapshotInterval = TimeSpan.FromHours(1) });
        var snapshots = new CustomerOrderSnapshots(engine.ClickHouse, NullLogger<CustomerOrderSnapshots>.Instance, options: options);
        await CrmOrderAsync(site, "O1", "C1", Day, 30, "paid");
        if (engine.ClickHouse.Cluster is not null) return;
        var first = await ServedAsync(snapshots, site);
        await CrmOrderAsync(site, "O2", "C1", Day.AddDays(1), 40, "paid");
        for (var i = 0; i < 5; i++)
        {
            var orders = await snapshots.OfAsync(site, CancellationToken.None);
            Assert.Null(orders.Snapshot); // stale, and no second build within the hour: the query, with the new order
            Assert.Equal(["O1", "O2"], (await RowsAsync(orders)).Select(o => o.OrderId));
            await Task.Delay(200);
        }
        Assert.Equal(1, await CountAsync("customer_order_snapshots", site));
        Assert.NotNull(first.Snapshot);
    }

    [Fact]
    public async Task Snapshots_replaced_by_newer_data_long_enough_ago_are_deleted_rows_and_names()
    {
        var site = "snapdel" + Guid.NewGuid().ToString("N")[..10];
        var snapshots = new CustomerOrderSnapshots(engine.ClickHouse, NullLogger<CustomerOrderSnapshots>.Instance);
        await CrmOrderAsync(site, "O1", "C1", Day, 30, "paid");
        await CrmOrderAsync(site, "O2", "C2", Day, 40, "paid");
        // Built directly, each for a version of its own (no background build here): three generations of the data.
        var built = new List<long>();
        foreach (var version in new[] { "v1", "v2", "v3" }) built.Add(await snapshots.BuildAsync(site, version, CancellationToken.None));
        Assert.Equal(3, await CountAsync("customer_order_snapshots", site));
        Assert.Equal(6, await CountAsync("customer_orders", site));

        // Now nothing is old enough to go; an hour on, all but the latest have been replaced long enough ago.
        await snapshots.DeleteReplacedAsync(site, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(3, await CountAsync("customer_order_snapshots", site));
        await snapshots.DeleteReplacedAsync(site, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        await Eventually.UntilAsync(async () => await CountAsync("customer_order_snapshots", site) == 1 && await CountAsync("customer_orders", site) == 2,
            TimeSpan.FromSeconds(60), "the replaced snapshots deleted (mutations run in the background)");
        Assert.Equal(2, await CountAsync(Sql.Query($"customer_orders WHERE site_id = {site} AND snapshot = {built[^1]}")));
    }

    async Task<long> CountAsync(Sql from) =>
        (await engine.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM {from}"), StorageJson.Default.CountRow))!.N;

    async Task<long> CountAsync(string table, string site) =>
        (await engine.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM {new SqlIdentifier(table)} WHERE site_id = {site}"),
            StorageJson.Default.CountRow))!.N;

    [Fact]
    public void A_snapshot_is_deleted_once_one_of_newer_data_was_built_more_than_the_grace_before()
    {
        var now = DateTimeOffset.Parse("2026-05-04T12:00:00Z");
        long At(int minutesAgo) => now.AddMinutes(-minutesAgo).ToUnixTimeMilliseconds();
        SnapshotRow[] snapshots =
        [
            new(1, "v1", At(60)), // replaced by 2 (v2) 30 minutes ago: deleted
            new(2, "v2", At(30)), // replaced by 3 (v3) only 5 minutes ago: kept, a reader may still be in it
            new(3, "v3", At(5)),
            new(4, "v3", At(4)),  // the same data as 3 (another node's build): neither replaces the other
        ];
        Assert.Equal([1L], CustomerOrderSnapshots.Replaced(snapshots, now));
        Assert.Equal([1L, 2L], CustomerOrderSnapshots.Replaced(snapshots, now.AddMinutes(6)));
        Assert.Empty(CustomerOrderSnapshots.Replaced([new(3, "v3", At(60)), new(4, "v3", At(30))], now));
    }

    /// <summary>Waits for the background build and returns the snapshot then served.</summary>
    static async Task<CustomerOrders> ServedAsync(CustomerOrderSnapshots snapshots, string site)
    {
        CustomerOrders served = new(site);
        await Eventually.UntilAsync(async () => (served = await snapshots.OfAsync(site, CancellationToken.None)).Snapshot is not null,
            TimeSpan.FromSeconds(30), "a snapshot of the current orders");
        return served;
    }

    async Task<List<OrderRow>> RowsAsync(CustomerOrders orders, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        await engine.ClickHouse.QueryListAsync(Sql.Query($"""
            SELECT order_id, customer_id, vid, toInt64(toUnixTimestamp(ts)) AS ts_s, revenue, cost_of_goods, returned, source
            FROM ({(from is { } f && to is { } t ? orders.For(f, t) : orders.All())}) ORDER BY order_id
            """), SnapshotTestJson.Default.OrderRow);

    Task CrmOrderAsync(string site, string order, string customer, DateTimeOffset ts, double revenue, string status) =>
        engine.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO orders (site_id, order_id, customer_id, ts, revenue, currency, status, version)
            VALUES ({site}, {order}, {customer}, {ts}, {revenue}, 'EUR', {status}, 1)
            """));

    Task PurchaseAsync(string site, string order, string vid, string customer, DateTimeOffset ts, double revenue) =>
        engine.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO events (event_id, site_id, received_at, ts, ts_ms, type, vid, customer_id, order_id, revenue, currency)
            VALUES ({Guid.NewGuid()}, {site}, {ts}, {ts}, {(ulong)ts.ToUnixTimeMilliseconds()}, 'purchase', {vid}, {customer}, {order}, {revenue}, 'EUR')
            """));
}

[JsonSerializable(typeof(CustomerOrderSnapshotsTests.OrderRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class SnapshotTestJson : JsonSerializerContext;

public sealed class CustomerOrderSnapshotsTestsEmbedded(EmbeddedEngine engine) : CustomerOrderSnapshotsTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class CustomerOrderSnapshotsTestsServer(ServerEngine engine) : CustomerOrderSnapshotsTests(engine), IClassFixture<ServerEngine>;
