using System.Diagnostics;
using System.Text.Json;
using Analytics.Demo;
using Analytics.Storage;
using Analytics.Storage.Embedded;
using Analytics.Storage.Server;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench.Customers;

/// <summary>
/// <c>customers-load</c>, the <c>customers</c> bench's child process: inserts the web traffic into the stopped
/// service's embedded ClickHouse (<c>--path</c>; chDB opens one data path a process, and the service must not hold
/// it meanwhile) or into its server (<c>--clickhouse</c>), and writes what it stored to <c>--summary FILE</c>.
/// </summary>
static class CustomersLoad
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<int> Run(string[] args)
    {
        var model = new ShopCustomers(int.Parse(Option(args, "--customers")!), long.Parse(Option(args, "--end")!), int.Parse(Option(args, "--days")!));
        var events = long.Parse(Option(args, "--events")!);
        var connection = Option(args, "--clickhouse");
        IClickHouse clickHouse = connection is { Length: > 0 }
            ? new ServerClickHouse(connection, "analytics")
            : new EmbeddedClickHouse(Option(args, "--path")!, "analytics", 2, new StorageOptions().EmbeddedSettings);
        await using (clickHouse)
        {
            var clock = Stopwatch.StartNew();
            var summary = await new ShopEvents(model, Option(args, "--site")!).InsertAsync(clickHouse, events);
            Console.WriteLine($"  events: {summary.Events:N0} ({summary.CustomerEvents:N0} of customers' devices) of {summary.Visitors:N0} visitors, " +
                              $"{summary.IdentifyLinks:N0} identify links, {summary.MatchedPurchases:N0} purchases of CRM orders, " +
                              $"{summary.TrackerOnlyPurchases:N0} tracker-only purchases: {clock.Elapsed.TotalSeconds:F1} s " +
                              $"({summary.Events / clock.Elapsed.TotalSeconds:N0} events/s, RowBinary 100 000 rows an insert)");
            // What the service's events writer does for every insert: mark the days for the session refresh (the
            // first refresh already ran on the empty store, so unmarked days would never be sessionised).
            await clickHouse.ExecuteAsync(Sql.Query($"INSERT INTO session_dirty_days (site_id, day) SELECT DISTINCT site_id, toDate(ts) FROM events"));
            // The bench measures a settled store, not one busy merging the 100 inserts' parts.
            clock.Restart();
            while (clock.Elapsed < TimeSpan.FromMinutes(10) && await CountAsync(clickHouse, Sql.Query($"SELECT toString(count()) AS text_value FROM system.merges")) > 0)
                await Task.Delay(1000);
            var parts = await CountAsync(clickHouse, Sql.Query($"SELECT toString(count()) AS text_value FROM system.parts WHERE active AND table = 'events'"));
            Console.WriteLine($"  merges done after {clock.Elapsed.TotalSeconds:F0} s; active parts of events: {parts}");
            foreach (var table in new[] { "events", "identity_links", "customers", "orders", "contacts" })
            {
                var count = await clickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT count() AS n FROM {new SqlIdentifier(table)}"));
                Console.WriteLine($"  {table}: {count.Trim()}");
            }
            await File.WriteAllTextAsync(Option(args, "--summary")!, JsonSerializer.Serialize(summary, Json));
        }
        return 0;
    }

    static async Task<long> CountAsync(IClickHouse clickHouse, Sql sql) =>
        long.Parse((await clickHouse.QueryFirstOrDefaultAsync(sql, BenchJson.Default.TextRow))!.TextValue);
}
