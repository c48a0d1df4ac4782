using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Analytics.Demo;
using Analytics.Sessions;
using Analytics.Sites;
using Analytics.Storage;
using Analytics.Storage.Embedded;
using Analytics.Storage.Server;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench.Reports;

/// <summary>
/// <c>reports [--events 1000000[,10000000,…]] [--engines embedded,server] [--requests 20] [--floor-runs 10] [--days 28]</c>: per engine and
/// volume, generated shop traffic (<see cref="ShopTrafficGenerator"/>) is loaded by a child process (<c>reports-load</c>:
/// chDB allows one process on a data path), which also refreshes the stored sessions and times each report's floor
/// (<see cref="ReportCases"/>); then the Release service starts on that data with the cache off and every report it
/// maps (read from its OpenAPI document) is timed over <c>--requests</c> requests after one warm-up.
/// </summary>
public static class ReportsBench
{
    const string Site = "benchshop";
    const string Token = BenchSupport.AdminToken;
    static readonly DateOnly FirstDay = new(2026, 10, 1);

    /// <summary>A report's figures; <see cref="Answer"/> is the start of its last answer, to see that it answered numbers.</summary>
    sealed record Timing(string Report, string Engine, long Events, double? P50, double? P95, double? FloorP50, double? FloorP95, string Note, string Answer = "");

    public static async Task<int> Run(string[] args)
    {
        var volumes = (Option(args, "--events") ?? "1000000").Split(',').Select(long.Parse).ToArray();
        var engines = (Option(args, "--engines") ?? "embedded,server").Split(',');
        var requests = int.Parse(Option(args, "--requests") ?? "20");
        var floorRuns = int.Parse(Option(args, "--floor-runs") ?? "10");
        var days = int.Parse(Option(args, "--days") ?? "28");
        var root = FindRoot();
        if (ReleaseService(root) is not { } app) return 1;
        var range = new ReportRange(Site, "", FirstDay, days); // the requests name the key only
        var timings = new List<Timing>();
        Console.WriteLine($"reports {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {requests} requests a report (cache off), {floorRuns} runs a floor, load {LoadAverage()}");
        foreach (var engine in engines)
        foreach (var events in volumes)
        {
            using var server = engine == "server" ? new ClickHouseServer() : null;
            var dataDir = Directory.CreateTempSubdirectory("analytics-bench-reports-").FullName;
            var database = "bench_reports";
            var floorsFile = Path.Combine(dataDir, "floors.json");
            var clock = Stopwatch.StartNew();
            var loader = Process.Start(LoaderStart(dataDir, server?.ConnectionString ?? "", database, events, days, floorRuns, floorsFile))!;
            await loader.WaitForExitAsync();
            if (loader.ExitCode != 0) { Console.Error.WriteLine($"{engine}: the loader failed ({loader.ExitCode})"); return 1; }
            Console.WriteLine($"{engine} {events:N0}: loaded and floors timed in {clock.Elapsed.TotalSeconds:F0} s; data {DirectorySize(dataDir) / 1e6:F0} MB on disk here (load {LoadAverage()})");
            var floors = JsonSerializer.Deserialize<Dictionary<string, double[]>>(File.ReadAllText(floorsFile))!;
            timings.AddRange(await TimeServiceAsync(app, engine, events, dataDir, server?.ConnectionString ?? "", database, range, requests, floors));
            try { Directory.Delete(dataDir, true); }
            catch (IOException e) { Console.Error.WriteLine($"could not delete {dataDir}: {e.Message}"); }
        }
        Print(timings, engines, volumes);
        var results = Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(results);
        var file = Path.Combine(results, $"reports-{DateTimeOffset.UtcNow:yyyyMMdd-HHmm}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new { load = LoadAverage(), requests, floorRuns, timings }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"written {file}");
        return 0;
    }

    static ProcessStartInfo LoaderStart(string dataDir, string clickHouse, string database, long events, int days, int runs, string floorsFile)
    {
        var info = new ProcessStartInfo("dotnet");
        foreach (var arg in new[] { typeof(ReportsBench).Assembly.Location, "reports-load", "--data", dataDir, "--clickhouse", clickHouse, "--database", database,
                     "--events", events.ToString(), "--days", days.ToString(), "--runs", runs.ToString(), "--out", floorsFile })
            info.ArgumentList.Add(arg);
        return info;
    }

    static long DirectorySize(string dir) => new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>The child process: the site, the traffic, the stored sessions' first refresh, then each floor timed.</summary>
    public static async Task<int> Load(string[] args)
    {
        var dataDir = Option(args, "--data")!;
        var connection = Option(args, "--clickhouse") ?? "";
        var events = long.Parse(Option(args, "--events")!);
        var days = int.Parse(Option(args, "--days")!);
        var runs = int.Parse(Option(args, "--runs")!);
        var storage = new StorageOptions { DataDir = dataDir };
        IClickHouse clickHouse = connection.Length == 0
            ? new EmbeddedClickHouse(storage.EmbeddedDataPath, storage.Database, 2, storage.EmbeddedSettings)
            : new ServerClickHouse(connection, Option(args, "--database")!);
        if (clickHouse is ServerClickHouse server) await server.EnsureDatabaseAsync(CancellationToken.None);
        await using (clickHouse)
        {
            await new SchemaMigrations(clickHouse, NullLogger<SchemaMigrations>.Instance).ApplyAsync(CancellationToken.None);
            var site = await new SiteStore(clickHouse, Options.Create(storage), NullLogger<SiteStore>.Instance)
                .CreateAsync("Bench shop", ["shop.example"], "UTC", 395, [], Site, CancellationToken.None);
            var range = new ReportRange(Site, site.Id, FirstDay, days);
            var clock = Stopwatch.StartNew();
            var traffic = new ShopTrafficGenerator(site.Id, new DateTimeOffset(FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds(), days);
            using (var rows = new TrafficRows(clickHouse, site.Id))
            {
                await traffic.GenerateAsync(rows, events);
                await rows.FlushAsync();
            }
            Console.WriteLine($"  inserted {events:N0} events of {traffic.Visitors:N0} visitors ({traffic.Linked:N0} customers linked, {traffic.Purchases:N0} purchases) in {clock.Elapsed.TotalSeconds:F1} s");
            clock.Restart();
            var refresh = new SessionRefresh(clickHouse, Options.Create(new SessionOptions()), SessionMetrics.Unregistered(), NullLogger<SessionRefresh>.Instance);
            var first = await refresh.RefreshOnceAsync(CancellationToken.None);
            Console.WriteLine($"  stored sessions: {first.DaysRefreshed} days, {first.SessionsWritten:N0} sessions in {clock.Elapsed.TotalSeconds:F1} s");
            var floors = new Dictionary<string, double[]>();
            foreach (var report in ReportCases.All(range))
            {
                var queries = report.Floor(range);
                try
                {
                    await Task.WhenAll(queries.Select(q => clickHouse.QueryJsonEachRowAsync(q))); // warm-up
                    var times = new double[runs];
                    for (var i = 0; i < runs; i++)
                    {
                        var one = Stopwatch.StartNew();
                        await Task.WhenAll(queries.Select(q => clickHouse.QueryJsonEachRowAsync(q)));
                        times[i] = one.Elapsed.TotalMilliseconds;
                    }
                    floors[report.Name] = times;
                    Console.WriteLine($"  floor {report.Name,-28} p50 {Percentile(times, 0.5),8:F0} p95 {Percentile(times, 0.95),8:F0} ms ({queries.Length} queries at once)");
                }
                catch (ClickHouseException e)
                {
                    Console.Error.WriteLine($"  floor of {report.Name} failed: {e.Message.Split('\n')[0]}");
                }
            }
            File.WriteAllText(Option(args, "--out")!, JsonSerializer.Serialize(floors));
        }
        return 0;
    }

    static async Task<List<Timing>> TimeServiceAsync(string app, string engine, long events, string dataDir, string clickHouse, string database,
        ReportRange range, int requests, Dictionary<string, double[]> floors)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
        var settings = new Dictionary<string, string> { ["Reports__CacheSeconds"] = "0", ["Storage__Database"] = clickHouse.Length == 0 ? "analytics" : database };
        using var service = StartService(app, baseUrl, dataDir, Token, clickHouse, settings);
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var timings = new List<Timing>();
        try
        {
            await WaitReadyAsync(http, service);
            using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
            var paths = document.RootElement.GetProperty("paths");
            bool Maps(string method, string path) => paths.TryGetProperty(path, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out _);
            if (Maps("POST", "/api/sites/{key}/goals"))
                await http.PostAsync($"/api/sites/{Site}/goals", Json("""{"name": "Purchase", "type": "pageview", "path": "/thank-you"}"""));
            foreach (var report in ReportCases.All(range))
            {
                floors.TryGetValue(report.Name, out var floor);
                double? floorP50 = floor is null ? null : Percentile(floor, 0.5), floorP95 = floor is null ? null : Percentile(floor, 0.95);
                if (!Maps(report.Method, report.Path))
                {
                    timings.Add(new(report.Name, engine, events, null, null, floorP50, floorP95, "not on this branch"));
                    continue;
                }
                var url = $"{report.Path}?{range.Common}{(report.Query.Length > 0 ? "&" + report.Query : "")}";
                var times = new double[requests];
                string note = "", answer = "";
                for (var i = -1; i < requests && note.Length == 0; i++)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(report.Method), url) { Content = report.Body is null ? null : Json(report.Body) };
                    var clock = Stopwatch.StartNew();
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    if (i >= 0) times[i] = clock.Elapsed.TotalMilliseconds;
                    answer = body.Length > 160 ? body[..160] : body;
                    if (!response.IsSuccessStatusCode) note = $"{(int)response.StatusCode}: {answer}";
                }
                timings.Add(note.Length > 0
                    ? new(report.Name, engine, events, null, null, floorP50, floorP95, note)
                    : new(report.Name, engine, events, Percentile(times, 0.5), Percentile(times, 0.95), floorP50, floorP95, "", answer));
                var t = timings[^1];
                Console.WriteLine($"  {engine} {events:N0} {report.Name,-28} p50 {t.P50,8:F0} p95 {t.P95,8:F0}   floor p50 {t.FloorP50,8:F0} p95 {t.FloorP95,8:F0} {t.Note}");
                if (t.Answer.Length > 0) Console.WriteLine($"    {t.Answer}");
            }
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
        return timings;
    }

    static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Nearest-rank percentile of the sorted values.</summary>
    static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    static void Print(List<Timing> timings, string[] engines, long[] volumes)
    {
        Console.WriteLine();
        Console.WriteLine("ms: service p50 / p95 (cache off) | floor p50 / p95 | p95 ÷ floor p95; growth = p95 ÷ p95 at the previous volume");
        foreach (var engine in engines)
        foreach (var events in volumes)
        {
            Console.WriteLine($"{engine}, {events:N0} events");
            foreach (var t in timings.Where(t => t.Engine == engine && t.Events == events))
            {
                var previous = timings.LastOrDefault(p => p.Engine == engine && p.Report == t.Report && p.Events < events && p.P95 is not null);
                var growth = previous is null || t.P95 is null ? "" : $"growth {t.P95 / previous.P95:F1}×";
                var service = t.P95 is null ? $"— ({t.Note})" : $"{t.P50,7:F0} / {t.P95,7:F0}";
                var floor = t.FloorP95 is null ? "no floor" : $"{t.FloorP50,7:F0} / {t.FloorP95,7:F0}";
                var ratio = t.P95 is null || t.FloorP95 is null ? "" : $"{t.P95 / t.FloorP95,5:F1}×";
                var aim = t.P95 is null ? "" : t.P95 < 500 && t.FloorP95 is { } f && t.P95 <= 2 * f ? "" : t.P95 >= 500 ? " (p95 ≥ 500)" : " (> 2× floor)";
                Console.WriteLine($"  {t.Report,-28} {service,-19} | {floor,-19} | {ratio} {growth}{aim}");
            }
        }
    }
}
