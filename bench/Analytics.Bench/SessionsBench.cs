using System.Diagnostics;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Sessions;
using Analytics.Storage;
using Analytics.Storage.Embedded;
using Analytics.Storage.Server;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench;

/// <summary>
/// <c>sessions [--events 1000000] [--days 28] [--engines embedded,server] [--runs 3]</c>: generated shop traffic
/// (about 7 events a visitor in 1.9 sessions, 7 % of visitors linked to customers) inserted with RowBinary, then the
/// query-time session SQL (<see cref="SessionSql"/>) timed per engine: cold (first) and best of the runs.
/// </summary>
public static class SessionsBench
{
    const string Site = "bench";
    static readonly long Start = DateTimeOffset.Parse("2026-10-01T00:00:00Z").ToUnixTimeMilliseconds();
    const long Day = 86_400_000;

    public static async Task<int> Run(string[] args)
    {
        var events = long.Parse(Option(args, "--events") ?? "1000000");
        var days = int.Parse(Option(args, "--days") ?? "28");
        var runs = int.Parse(Option(args, "--runs") ?? "3");
        var engines = (Option(args, "--engines") ?? "embedded,server").Split(',');
        foreach (var engine in engines)
        {
            using var server = engine == "server" ? new ClickHouseServer() : null;
            IClickHouse clickHouse = server is null
                ? new EmbeddedClickHouse(Directory.CreateTempSubdirectory("analytics-bench-sessions-").FullName, "analytics", 2, new StorageOptions().EmbeddedSettings)
                : new ServerClickHouse(server.ConnectionString, "bench_sessions");
            if (clickHouse is ServerClickHouse s) await s.EnsureDatabaseAsync(CancellationToken.None);
            await using (clickHouse)
            {
                await new SchemaMigrations(clickHouse, NullLogger<SchemaMigrations>.Instance).ApplyAsync(CancellationToken.None);
                var clock = Stopwatch.StartNew();
                var (visitors, linked) = await GenerateAsync(clickHouse, events, days);
                Console.WriteLine($"{engine}: inserted {events:N0} events of {visitors:N0} visitors ({linked:N0} linked) in {clock.Elapsed.TotalSeconds:F1} s");
                await MeasureAsync(clickHouse, engine, days, runs);
            }
        }
        return 0;
    }

    static async Task MeasureAsync(IClickHouse clickHouse, string engine, int days, int runs)
    {
        var options = new SessionOptions();
        var all = SessionSql.Build(new SessionQuery(Site, Start, Start + days * Day), options);
        var lastDay = SessionSql.Build(new SessionQuery(Site, Start + (days - 1) * Day, Start + days * Day), options);
        var someone = (await clickHouse.QueryFirstOrDefaultAsync(
            Sql.Query($"SELECT customer_id AS text_value FROM identity_links WHERE site_id = {Site} ORDER BY customer_id LIMIT 1"), BenchJson.Default.TextRow))!.TextValue;
        var devices = (await clickHouse.QueryListAsync(
            Sql.Query($"SELECT visitor_id AS text_value FROM identity_links WHERE site_id = {Site} AND customer_id = {someone}"), BenchJson.Default.TextRow)).Select(r => r.TextValue).ToList();
        var queries = new (string Name, Sql Sql)[]
        {
            ("sessions, bounces, avg duration (whole range)", Sql.Query($"SELECT count() AS n, sum(bounce) AS b, avg(duration_ms) AS d FROM ({all})")),
            ("distinct persons over sessions (whole range)", Sql.Query($"SELECT uniqExact(person) AS n FROM ({all})")),
            ("sessions by channel (whole range)", Sql.Query($"SELECT channel, count() AS n FROM ({all}) GROUP BY channel")),
            ("sessions, bounces (last day)", Sql.Query($"SELECT count() AS n, sum(bounce) AS b FROM ({lastDay})")),
            ("one customer's sessions, all time (360 view)", Sql.Query($"SELECT * FROM ({SessionSql.Build(new SessionQuery(Site, Visitors: devices), options)}) ORDER BY start_ms DESC LIMIT 50")),
            ("events with person, distinct persons (whole range)", Sql.Query($"SELECT uniqExact(person) AS n FROM ({PersonSql.EventsWithPerson(Site, Start, Start + days * Day)})")),
        };
        foreach (var (name, sql) in queries)
        {
            var times = new List<double>();
            string answer = "";
            for (var i = 0; i < runs; i++)
            {
                var clock = Stopwatch.StartNew();
                answer = await clickHouse.QueryJsonEachRowAsync(sql);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            var first = answer.Split('\n')[0];
            Console.WriteLine($"{engine,-8} {name,-52} first {times[0],7:F0} ms  best {times.Min(),7:F0} ms  {(first.Length > 80 ? first[..80] : first)}");
        }
    }

    /// <summary>Visitors one after another, each with 1–4 sessions of 1–12 events, in 100 000-row RowBinary inserts.</summary>
    static async Task<(long Visitors, long Linked)> GenerateAsync(IClickHouse clickHouse, long total, int days)
    {
        var random = new Random(16);
        var traffic = new ShopTraffic(random);
        using var events = new RowBinaryInserts(clickHouse, EventRow.Table, EventRow.Columns);
        using var links = new RowBinaryInserts(clickHouse, IdentityLinks.Definition.Name, IdentityLinks.Definition.ColumnNames);
        var row = new EventRow { SiteId = Site, ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(Start), Origin = "import" };
        long visitors = 0, linked = 0;
        while (events.Rows < total)
        {
            traffic.Visitor(row, $"v{visitors++:x8}");
            var sessions = random.Next(10) < 5 ? 1 : random.Next(2, 5);
            var lastTs = 0L;
            for (var s = 0; s < sessions && events.Rows < total; s++)
            {
                var t = Start + (long)(random.NextDouble() * (days * Day - 3_600_000));
                var count = random.Next(10) < 4 ? 1 : random.Next(2, 13);
                traffic.Session(row);
                for (var e = 0; e < count && events.Rows < total; e++)
                {
                    t += random.Next(5_000, 300_000);
                    traffic.Event(row, e, t);
                    row.Write(events.Writer);
                    await events.RowWrittenAsync();
                    lastTs = Math.Max(lastTs, t);
                }
            }
            if (random.Next(100) < 7)
            {
                linked++;
                var link = new IdentityLinkRow { LinkId = Guid.CreateVersion7(), SiteId = Site, VisitorId = row.Vid,
                    CustomerId = $"C{random.Next(100_000):D6}", LinkedAt = DateTimeOffset.FromUnixTimeMilliseconds(lastTs), Source = IdentityLinks.FromCrm };
                IdentityLinks.Definition.Write(link, links.Writer);
                await links.RowWrittenAsync();
            }
        }
        await events.FlushAsync();
        await links.FlushAsync();
        return (visitors, linked);
    }
}

internal sealed record TextRow(string TextValue);

[System.Text.Json.Serialization.JsonSerializable(typeof(TextRow))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
