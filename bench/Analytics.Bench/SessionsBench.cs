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
/// <c>sessions [--events 1000000] [--new-events 1000000] [--days 28] [--engines embedded,server] [--runs 3] [--query-time no]</c>:
/// generated shop traffic (about 7 events a visitor in 1.9 sessions, 7 % of visitors linked to customers) inserted
/// with RowBinary; then per engine the first full refresh of the stored sessions (<see cref="SessionRefresh"/>),
/// <c>--new-events</c> more over the last 2 days (marked as the events writer marks them) and the refresh that brings
/// the table up to date, then the query-time session SQL (<see cref="SessionSql"/>) and the same reports through the
/// stored source (<see cref="StoredSessions"/>) timed: cold (first) and best of the runs.
/// </summary>
public static class SessionsBench
{
    const string Site = "bench";
    static readonly long Start = DateTimeOffset.Parse("2026-10-01T00:00:00Z").ToUnixTimeMilliseconds();
    const long Day = 86_400_000;

    public static async Task<int> Run(string[] args)
    {
        var events = long.Parse(Option(args, "--events") ?? "1000000");
        var newEvents = long.Parse(Option(args, "--new-events") ?? "1000000");
        var queryTime = (Option(args, "--query-time") ?? "yes") != "no"; // "no": skip the query-time queries (minutes each at 10 M)
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
                var (visitors, linked) = await GenerateAsync(clickHouse, events, Start, days, "v", null);
                Console.WriteLine($"{engine}: inserted {events:N0} events of {visitors:N0} visitors ({linked:N0} linked) in {clock.Elapsed.TotalSeconds:F1} s (load {LoadAverage()})");
                await RefreshAsync(clickHouse, engine, days, newEvents);
                if (queryTime) await MeasureAsync(clickHouse, engine, days, runs);
                await MeasureStoredAsync(clickHouse, engine, days, runs);
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

    static readonly SessionOptions Stored = new() { RefreshDelay = TimeSpan.Zero };

    static SessionRefresh NewRefresh(IClickHouse clickHouse) =>
        new(clickHouse, Microsoft.Extensions.Options.Options.Create(Stored), SessionMetrics.Unregistered(), NullLogger<SessionRefresh>.Instance);

    /// <summary>
    /// (a) the first refresh (all history, no marks yet), (b) <paramref name="newEvents"/> more events over the last
    /// two days, marked per insert as the events writer does, and the time until the stored source serves every day again.
    /// </summary>
    static async Task RefreshAsync(IClickHouse clickHouse, string engine, int days, long newEvents)
    {
        var refresh = NewRefresh(clickHouse);
        var clock = Stopwatch.StartNew();
        var first = await refresh.RefreshOnceAsync(CancellationToken.None);
        Console.WriteLine($"{engine,-8} first full refresh: {first.DaysRefreshed} days, {first.SessionsWritten:N0} sessions in {clock.Elapsed.TotalMilliseconds:F0} ms (load {LoadAverage()})");

        var marks = new SessionDirtyMarks(clickHouse, Microsoft.Extensions.Options.Options.Create(Stored));
        clock.Restart();
        await GenerateAsync(clickHouse, newEvents, Start + (days - 2) * Day, 2, "w", marks);
        Console.WriteLine($"{engine,-8} inserted {newEvents:N0} new events over the last 2 days (with marks) in {clock.Elapsed.TotalMilliseconds:F0} ms");
        clock.Restart();
        var query = new SessionQuery(Site, Start, Start + days * Day);
        var source = new StoredSessions(clickHouse, Microsoft.Extensions.Options.Options.Create(Stored));
        double refreshing = 0;
        int refreshed = 0;
        long written = 0;
        // Marks have seconds: the refresh takes them once their second has passed (no delay set here).
        while ((await source.StoredDaysAsync(query, CancellationToken.None)).Count < days)
        {
            var once = Stopwatch.StartNew();
            var result = await refresh.RefreshOnceAsync(CancellationToken.None);
            if (result.DaysRefreshed > 0) refreshing += once.Elapsed.TotalMilliseconds;
            refreshed += result.DaysRefreshed;
            written += result.SessionsWritten;
            if (result.DaysRefreshed == 0) await Task.Delay(100);
        }
        Console.WriteLine($"{engine,-8} refresh after the new events: {refreshed} days, {written:N0} sessions in {refreshing:F0} ms of refresh " +
            $"({clock.Elapsed.TotalMilliseconds:F0} ms until every day was served again, load {LoadAverage()})");
    }

    /// <summary>(c) the 28-day reports through the stored source: all days stored, then with the last day dirty (computed).</summary>
    static async Task MeasureStoredAsync(IClickHouse clickHouse, string engine, int days, int runs)
    {
        var source = new StoredSessions(clickHouse, Microsoft.Extensions.Options.Options.Create(Stored));
        var query = new SessionQuery(Site, Start, Start + days * Day);
        Func<Sql, Sql>[] reports =
        [
            all => Sql.Query($"SELECT count() AS n, sum(bounce) AS b, avg(duration_ms) AS d FROM ({all})"),
            all => Sql.Query($"SELECT uniqExact(person) AS n FROM ({all})"),
            all => Sql.Query($"SELECT channel, count() AS n FROM ({all}) GROUP BY channel ORDER BY channel"),
        ];
        string[] names = ["sessions, bounces, avg duration", "distinct persons over sessions", "sessions by channel"];
        for (var state = 0; state < 2; state++)
        {
            if (state == 1)
            {
                var late = new EventRow { EventId = Guid.NewGuid(), SiteId = Site, Vid = "late", TsMs = Start + days * Day - 3_600_000, Type = "pageview", Path = "/late" };
                await new SessionDirtyMarks(clickHouse, Microsoft.Extensions.Options.Options.Create(Stored))
                    .MarkAsync([(Site, late.TsMs, late.TsMs)], CancellationToken.None);
                using var one = new RowBinaryWriter();
                late.Write(one);
                await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, one.Written);
            }
            var label = state == 0 ? "stored, all days" : "stored, last day dirty";
            for (var r = 0; r < reports.Length; r++)
            {
                var times = new List<double>();
                string answer = "";
                for (var i = 0; i < runs; i++)
                {
                    var clock = Stopwatch.StartNew();
                    answer = await clickHouse.QueryJsonEachRowAsync(reports[r](await source.SessionsAsync(query, CancellationToken.None)));
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
                var computed = await clickHouse.QueryJsonEachRowAsync(reports[r](SessionSql.Build(query, Stored)));
                var first = answer.Split('\n')[0];
                Console.WriteLine($"{engine,-8} {label + ": " + names[r],-60} first {times[0],7:F0} ms  best {times.Min(),7:F0} ms  " +
                    $"{(answer == computed ? "= query time" : "DIFFERS from query time")}  {(first.Length > 60 ? first[..60] : first)}");
            }
        }
        Console.WriteLine($"{engine,-8} load average {LoadAverage()}");
    }

    /// <summary>Visitors one after another, each with 1–4 sessions of 1–12 events, in 100 000-row RowBinary inserts.</summary>
    static async Task<(long Visitors, long Linked)> GenerateAsync(IClickHouse clickHouse, long total, long start, int days, string prefix, SessionDirtyMarks? marks)
    {
        var random = new Random(16);
        var traffic = new ShopTraffic(random);
        using var writer = new RowBinaryWriter(64 << 20);
        using var links = new RowBinaryWriter(1 << 20);
        var row = new EventRow { SiteId = Site, ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(start), Origin = "import" };
        long minTs = long.MaxValue, maxTs = 0;
        async Task InsertAsync()
        {
            // As the events writer: the days are marked before the rows are inserted.
            if (marks is not null) await marks.MarkAsync([(Site, minTs, maxTs)], CancellationToken.None);
            await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, writer.Written);
            writer.Clear();
            (minTs, maxTs) = (long.MaxValue, 0);
        }
        long written = 0, visitors = 0, linked = 0, pending = 0;
        while (written < total)
        {
            traffic.Visitor(row, $"{prefix}{visitors++:x8}");
            var sessions = random.Next(10) < 5 ? 1 : random.Next(2, 5);
            var lastTs = 0L;
            for (var s = 0; s < sessions && written < total; s++)
            {
                var t = start + (long)(random.NextDouble() * (days * Day - 3_600_000));
                var count = random.Next(10) < 4 ? 1 : random.Next(2, 13);
                traffic.Session(row);
                for (var e = 0; e < count && written < total; e++, written++, pending++)
                {
                    t += random.Next(5_000, 300_000);
                    traffic.Event(row, e, t);
                    row.Write(writer);
                    lastTs = Math.Max(lastTs, t);
                    (minTs, maxTs) = (Math.Min(minTs, t), Math.Max(maxTs, t));
                }
            }
            if (random.Next(100) < 7)
            {
                linked++;
                var link = new IdentityLinkRow { LinkId = Guid.CreateVersion7(), SiteId = Site, VisitorId = row.Vid,
                    CustomerId = $"C{random.Next(100_000):D6}", LinkedAt = DateTimeOffset.FromUnixTimeMilliseconds(lastTs), Source = IdentityLinks.FromCrm };
                IdentityLinks.Definition.Write(link, links);
            }
            if (pending >= 100_000)
            {
                await InsertAsync();
                pending = 0;
            }
        }
        if (writer.Length > 0) await InsertAsync();
        if (links.Length > 0) await clickHouse.InsertRowBinaryAsync(IdentityLinks.Definition.Name, IdentityLinks.Definition.ColumnNames, links.Written);
        return (visitors, linked);
    }

}

internal sealed record TextRow(string TextValue);

[System.Text.Json.Serialization.JsonSerializable(typeof(TextRow))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
