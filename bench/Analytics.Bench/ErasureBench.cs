using System.Diagnostics;
using System.Security.Cryptography;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Privacy.Requests;
using Analytics.Storage;
using Analytics.Storage.Embedded;
using Analytics.Storage.Server;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench;

/// <summary>
/// <c>erasure [--events 1000000] [--days 28] [--engines embedded,server]</c>: generated shop traffic plus one subject
/// (a customer with two devices, about 40 events spread over the range, a link, a CRM profile and an order); then per engine
/// the product's erasure (<see cref="PrivacyRequestRunner"/> as the service runs it: resolve, count, tombstones,
/// <c>ALTER TABLE … DELETE</c> per personal table, wait for the mutations, count again) from the request's creation
/// until it is completed, and the same request again (nothing left to find).
/// </summary>
public static class ErasureBench
{
    const string Site = "bench";
    const string Subject = "C-subject";
    static readonly long Start = DateTimeOffset.Parse("2026-10-01T00:00:00Z").ToUnixTimeMilliseconds();
    const long Day = 86_400_000;

    public static async Task<int> Run(string[] args)
    {
        var events = long.Parse(Option(args, "--events") ?? "1000000");
        var days = int.Parse(Option(args, "--days") ?? "28");
        foreach (var engine in (Option(args, "--engines") ?? "embedded,server").Split(','))
        {
            using var server = engine == "server" ? new ClickHouseServer() : null;
            IClickHouse clickHouse = server is null
                ? new EmbeddedClickHouse(Directory.CreateTempSubdirectory("analytics-bench-erasure-").FullName, "analytics", 2, new StorageOptions().EmbeddedSettings)
                : new ServerClickHouse(server.ConnectionString, "bench_erasure");
            if (clickHouse is ServerClickHouse s) await s.EnsureDatabaseAsync(CancellationToken.None);
            await using (clickHouse)
            {
                await new SchemaMigrations(clickHouse, NullLogger<SchemaMigrations>.Instance).ApplyAsync(CancellationToken.None);
                var clock = Stopwatch.StartNew();
                await GenerateAsync(clickHouse, events, days);
                Console.WriteLine($"{engine}: inserted {events:N0} events in {clock.Elapsed.TotalSeconds:F1} s (load {LoadAverage()})");
                await EraseAsync(clickHouse, engine, "first erasure");
                await EraseAsync(clickHouse, engine, "same request again");
                Console.WriteLine($"{engine,-8} load average {LoadAverage()}");
            }
        }
        return 0;
    }

    static async Task EraseAsync(IClickHouse clickHouse, string engine, string label)
    {
        var time = TimeProvider.System;
        var audit = new PrivacyAudit(clickHouse, new AuditKey(RandomNumberGenerator.GetBytes(32)), time);
        var options = Options.Create(new PrivacyRequestOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        var store = new PrivacyRequestStore(clickHouse, audit, time);
        var ready = new SchemaReady();
        ready.Set();
        var runner = new PrivacyRequestRunner(store, new SubjectErasure(clickHouse, options), new Tombstones(clickHouse, audit, time),
            new DeadLetterErasure(Options.Create(new StorageOptions { DataDir = Directory.CreateTempSubdirectory("analytics-bench-erasure-data-").FullName }), NullLogger<DeadLetterErasure>.Instance), audit, ready,
            options, NullLogger<PrivacyRequestRunner>.Instance);
        await runner.StartAsync(CancellationToken.None);
        try
        {
            var clock = Stopwatch.StartNew();
            var request = await store.CreateAsync(Site, RequestTypes.Erasure, new SubjectRef(SubjectKey.Customer, Subject), "bench", "bench", CancellationToken.None);
            runner.Wake();
            while (request.Status is not (RequestStatuses.Completed or RequestStatuses.Failed))
            {
                await Task.Delay(20);
                request = (await store.FindAsync(request.RequestId, CancellationToken.None))!;
            }
            var tables = string.Join(", ", request.TableResults.Where(t => t.Found > 0).Select(t => $"{t.Table} {t.Found}→{t.Remaining}"));
            Console.WriteLine($"{engine,-8} {label,-20} {request.Status,-9} {clock.Elapsed.TotalMilliseconds,8:F0} ms  {tables}");
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Visitors of 1–12 events each in 100 000-row inserts; the subject's events (about 40) on two devices spread over the range.</summary>
    static async Task GenerateAsync(IClickHouse clickHouse, long total, int days)
    {
        var random = new Random(18);
        var traffic = new ShopTraffic(random);
        using var writer = new RowBinaryWriter(64 << 20);
        var row = new EventRow { SiteId = Site, ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(Start), Origin = "import" };
        long written = 0, visitors = 0;
        void Visit(string vid, int count)
        {
            traffic.Visitor(row, vid);
            traffic.Session(row);
            var t = Start + (long)(random.NextDouble() * (days * Day - 3_600_000));
            for (var e = 0; e < count; e++, written++)
            {
                traffic.Event(row, e, t += random.Next(5_000, 300_000));
                row.Write(writer);
            }
        }
        while (written < total)
        {
            // The subject's devices come back now and then, so their rows sit in many parts and partitions.
            if (visitors % Math.Max(1, total / 7 / 20) == 0) Visit(visitors % 2 == 0 ? "subject-phone" : "subject-laptop", 2);
            Visit($"v{visitors++:x8}", (int)Math.Min(random.Next(1, 13), total - written));
            if (writer.Length > 16 << 20)
            {
                await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, writer.Written);
                writer.Clear();
            }
        }
        if (writer.Length > 0) await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, writer.Written);
        using var links = new RowBinaryWriter(1024);
        IdentityLinks.Definition.Write(new IdentityLinkRow { LinkId = Guid.CreateVersion7(), SiteId = Site, VisitorId = "subject-phone", CustomerId = Subject,
            LinkedAt = DateTimeOffset.FromUnixTimeMilliseconds(Start + Day), Source = IdentityLinks.FromIdentify }, links);
        await clickHouse.InsertRowBinaryAsync(IdentityLinks.Definition.Name, IdentityLinks.Definition.ColumnNames, links.Written);
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO customers (site_id, customer_id, email, name, visitor_ids, version) SELECT {Site}, {Subject}, 'subject@example.com', 'Subject', ['subject-laptop'], 1
            """));
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO orders (site_id, order_id, customer_id, ts, revenue, currency, version) SELECT {Site}, 'O-subject', {Subject}, toDateTime({Start / 1000 + 86400}), 10, 'EUR', 1
            """));
    }
}
