using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Analytics.Demo;
using Analytics.Tests.Infrastructure;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench.Customers;

/// <summary>
/// <c>customers [--events 10000000] [--customers 100000] [--days 28] [--engines embedded,server] [--requests 300]
/// [--list-requests N] [--load-only] [--keep-data] [--profile]</c>: per engine, the Release service on generated shop data (CRM customers, orders and contacts
/// through <c>/api/crm/*</c>, web traffic by RowBinary from a child process), then the 360-degree view and the
/// customer list timed through HTTP as a service-role user, sequentially and with 4 clients.
/// </summary>
/// <summary>What one engine's run measured (written to the JSON).</summary>
/// <summary>A loaded shop: where its service listens, its site, the service user's token, the CRM import rates and the events loaded.</summary>
sealed record LoadedShop(Uri BaseAddress, string SiteId, string SiteKey, string ServiceToken, Dictionary<string, double> CrmRowsPerSecond, double LoadSeconds, LoadSummary Summary);

sealed record EngineResult(Dictionary<string, double> CrmRowsPerSecond, double EventsLoadSeconds, long Events, string LoadAverage, List<Timing> Timings);

static partial class CustomersBench
{
    const string Token = BenchSupport.AdminToken;

    public static async Task<int> Run(string[] args)
    {
        var events = long.Parse(Option(args, "--events") ?? "10000000");
        var customers = int.Parse(Option(args, "--customers") ?? "100000");
        var days = int.Parse(Option(args, "--days") ?? "28");
        var requests = int.Parse(Option(args, "--requests") ?? "300");
        var listRequests = int.Parse(Option(args, "--list-requests") ?? Math.Max(5, requests / 15).ToString());
        var engines = (Option(args, "--engines") ?? "embedded,server").Split(',');
        var loadOnly = args.Contains("--load-only");
        var profile = args.Contains("--profile");
        // Keeps the embedded engine's data directory (the loaded shop) to serve again or query by hand.
        var keepData = args.Contains("--keep-data");
        var root = FindRoot();
        if (ReleaseService(root) is not { } app) return 1;
        // The traffic's window ends at today's midnight (UTC): A/B/C and CLV count the last 12 months from now.
        var end = DateTimeOffset.UtcNow.Date.Subtract(TimeSpan.Zero);
        var endMs = new DateTimeOffset(end, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        var model = new ShopCustomers(customers, endMs, days);
        Console.WriteLine($"customers {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
        Console.WriteLine($"model: {customers:N0} customers ({model.Customers.Sum(c => c.CrmDevices.Count):N0} CRM devices, {model.Customers.Sum(c => c.IdentifyDevices.Count):N0} identify devices, " +
                          $"{model.Customers.Count(c => c.SharedDevice is not null):N0} sharing a device), {model.Orders.Count:N0} orders " +
                          $"(max {model.Customers.Max(c => c.Orders.Count):N0} a customer), {model.ContactCount:N0} contacts; {events:N0} events over {days} days to {end:yyyy-MM-dd} ({clock.Elapsed.TotalSeconds:F1} s)");
        var results = new Dictionary<string, object>();
        foreach (var engine in engines)
        {
            using var server = engine == "server" ? new ClickHouseServer(queryLog: profile) : null;
            var dataDir = Directory.CreateTempSubdirectory("analytics-customers-bench-").FullName;
            try
            {
                results[engine] = await RunEngineAsync(app, engine, server?.ConnectionString ?? "", dataDir, model, events, (requests, listRequests), loadOnly);
                if (profile && server is not null) await PrintStatementProfileAsync(server);
            }
            finally
            {
                if (keepData && engine == "embedded") Console.WriteLine($"{engine}: data kept in {dataDir} (admin token {Token})");
                else try { Directory.Delete(dataDir, recursive: true); } catch (IOException e) { Console.Error.WriteLine($"{dataDir} not deleted: {e.Message}"); }
            }
        }
        PrintSideBySide(results);
        Console.WriteLine($"load average after: {LoadAverage()}");
        var file = Path.Combine(root, "bench", "results", $"customers-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { events, customers, days, orders = model.Orders.Count, contacts = model.ContactCount, engines = results }, CustomersLoad.Json));
        Console.WriteLine($"results: {file}");
        return 0;
    }

    /// <summary>
    /// <c>--profile</c> (server engine): where the measured requests spent their time, per statement shape (literals
    /// and numbers masked), from the server's query log: count, p50, max and total ms, the costliest first.
    /// </summary>
    static async Task PrintStatementProfileAsync(ClickHouseServer server)
    {
        await server.QueryAsync("SYSTEM FLUSH LOGS");
        var rows = await server.QueryAsync("""
            SELECT substring(replaceRegexpAll(replaceRegexpAll(query, '\'[^\']*\'|[0-9]+', '?'), '\\s+', ' '), 1, 150) AS shape,
                   count() AS n, quantile(0.5)(query_duration_ms) AS p50_ms, max(query_duration_ms) AS max_ms, sum(query_duration_ms) AS total_ms,
                   round(avg(read_rows)) AS avg_read_rows
            FROM system.query_log -- type 2: QueryFinish (a UInt8 on 18.16)
            WHERE type = 2 AND query NOT LIKE '%query_log%' AND query NOT LIKE 'INSERT%'
            GROUP BY shape ORDER BY total_ms DESC LIMIT 20
            FORMAT PrettyCompactNoEscapes
            """);
        Console.WriteLine("statement profile (server query log, the whole run, inserts left out):");
        Console.WriteLine(rows);
    }

    static async Task<object> RunEngineAsync(string app, string engine, string clickHouse, string dataDir, ShopCustomers model, long events, (int Views, int Lists) requests, bool loadOnly)
    {
        var shop = await LoadShopAsync(app, engine, clickHouse, dataDir, model, events);
        if (loadOnly) return new { crm_rows_per_second = shop.CrmRowsPerSecond, events_load_seconds = shop.LoadSeconds, shop.Summary.Events };

        using var admin = Client(Token, shop.BaseAddress);
        using var client = Client(shop.ServiceToken, shop.BaseAddress);
        var service = StartService(app, shop.BaseAddress, dataDir, Token, clickHouse);
        try
        {
            await WaitReadyAsync(admin, service);
            Console.WriteLine($"{engine}: service up again, load average {LoadAverage()}");
            await WaitForStoredSessionsAsync(admin, engine);
            var timings = await MeasureAsync(client, shop.SiteKey, shop.Summary.Sample, model.Customers.Count, requests.Views, requests.Lists);
            Console.WriteLine();
            Console.WriteLine($"{engine}: {shop.Summary.Events:N0} events, {model.Customers.Count:N0} customers, {model.Orders.Count:N0} orders; load average {LoadAverage()}");
            PrintTimings(timings);
            return new EngineResult(shop.CrmRowsPerSecond, shop.LoadSeconds, shop.Summary.Events, LoadAverage(), timings);
        }
        finally
        {
            await StopAsync(service);
        }
    }

    internal static void PrintTimings(IEnumerable<Timing> timings)
    {
        Console.WriteLine($"  {"endpoint",-44} {"n",5} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var t in timings)
            Console.WriteLine($"  {t.Name,-44} {t.Count,5} {t.P50,8:F1} {t.P95,8:F1} {t.P99,8:F1} {t.Max,8:F1}");
    }

    /// <summary>
    /// The shop's data in a stopped service's store: the service started, a site and a service-role user made, the
    /// CRM posted through the API (and whatever <paramref name="moreCrm"/> posts with the admin client while it runs),
    /// the service stopped, then the web traffic inserted by the loader child process. The <c>crm</c> mode loads the same.
    /// </summary>
    internal static async Task<LoadedShop> LoadShopAsync(string app, string engine, string clickHouse, string dataDir, ShopCustomers model, long events,
        Func<HttpClient, string, Task>? moreCrm = null)
    {
        using var admin = Client(Token);
        var service = StartService(app, admin.BaseAddress!, dataDir, Token, clickHouse);
        string siteId, siteKey, serviceToken;
        var crm = new Dictionary<string, double>();
        try
        {
            await WaitReadyAsync(admin, service);
            (siteId, siteKey) = await CreateSiteAsync(admin);
            serviceToken = await ServiceUserAsync(admin, siteKey);
            crm["customers"] = await ImportAsync(admin, siteKey, "customers", model.Customers.Count, (text, i) => model.WriteCustomer(text, i));
            crm["orders"] = await ImportAsync(admin, siteKey, "orders", model.Orders.Count, (text, i) => model.WriteOrder(text, i));
            var contacts = model.ContactsJson().GetEnumerator();
            crm["contacts"] = await ImportAsync(admin, siteKey, "contacts", model.ContactCount, (text, _) => { contacts.MoveNext(); text.Write(contacts.Current); });
            Console.WriteLine($"{engine}: CRM through /api/crm (JSON): customers {crm["customers"]:N0}/s, orders {crm["orders"]:N0}/s, contacts {crm["contacts"]:N0}/s");
            if (moreCrm is not null) await moreCrm(admin, siteKey);
        }
        finally
        {
            await StopAsync(service); // a stop drains the link spool into ClickHouse, and frees the embedded data path
        }

        var summaryFile = Path.Combine(dataDir, "load-summary.json");
        var clock = Stopwatch.StartNew();
        await LoadEventsAsync(engine, clickHouse, dataDir, siteId, model, events, summaryFile);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var summary = JsonSerializer.Deserialize<LoadSummary>(await File.ReadAllTextAsync(summaryFile), CustomersLoad.Json)!;
        return new LoadedShop(admin.BaseAddress!, siteId, siteKey, serviceToken, crm, loadSeconds, summary);
    }

    /// <summary>
    /// Waits until the service's session refresh has stored the loaded history: the events went in by RowBinary, without
    /// dirty marks, so the first refresh after start sessionises every day. Measuring before it ends would time the
    /// query-time fallback and the refresh's own load, not the view.
    /// </summary>
    internal static async Task WaitForStoredSessionsAsync(HttpClient admin, string engine)
    {
        var clock = Stopwatch.StartNew();
        double written = -1;
        while (clock.Elapsed < TimeSpan.FromHours(1))
        {
            await Task.Delay(TimeSpan.FromSeconds(12));
            var text = await admin.GetStringAsync("/metrics");
            var now = Ingest.ServiceUnderTest.Metric(text, "analytics_sessions_written_total");
            var pending = Ingest.ServiceUnderTest.Metric(text, "analytics_session_dirty_days_pending");
            if (now > 0 && now == written && pending == 0)
            {
                Console.WriteLine($"{engine}: stored sessions settled: {now:N0} sessions written since start-up, settled {clock.Elapsed.TotalSeconds - 12:F0} s after the wait began");
                return;
            }
            written = now;
        }
        throw new InvalidOperationException("the session refresh did not settle within an hour");
    }

    /// <summary>p50 / p95 of every endpoint, engines side by side (the figures issue 16 asks for).</summary>
    static void PrintSideBySide(Dictionary<string, object> results)
    {
        var engines = results.Where(r => r.Value is EngineResult).ToDictionary(r => r.Key, r => (EngineResult)r.Value);
        if (engines.Count == 0) return;
        Console.WriteLine();
        Console.WriteLine($"  {"p50 / p95 ms",-44}" + string.Concat(engines.Keys.Select(e => $"{e,22}")));
        foreach (var name in engines.Values.First().Timings.Select(t => t.Name))
            Console.WriteLine($"  {name,-44}" + string.Concat(engines.Values.Select(e => e.Timings.FirstOrDefault(t => t.Name == name) is { } t ? $"{t.P50,10:F0} / {t.P95,9:F0}" : $"{"-",22}")));
    }

    /// <summary>Runs <c>customers-load</c> as a child process (its own chDB, gone when it ends) and passes its output on.</summary>
    static async Task LoadEventsAsync(string engine, string clickHouse, string dataDir, string siteId, ShopCustomers model, long events, string summaryFile)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in new[] { "customers-load", "--site", siteId, "--customers", model.Customers.Count.ToString(), "--events", events.ToString(),
                     "--days", model.Days.ToString(), "--end", model.EndMs.ToString(), "--summary", summaryFile,
                     clickHouse.Length > 0 ? "--clickhouse" : "--path", clickHouse.Length > 0 ? clickHouse : Path.Combine(dataDir, "clickhouse") })
            info.ArgumentList.Add(a);
        using var loader = Process.Start(info)!;
        loader.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine(e.Data); };
        loader.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("loader: " + e.Data); };
        loader.BeginOutputReadLine();
        loader.BeginErrorReadLine();
        Console.WriteLine($"{engine}: loading {events:N0} events by RowBinary …");
        await loader.WaitForExitAsync();
        if (loader.ExitCode != 0) throw new InvalidOperationException($"customers-load exited with {loader.ExitCode}");
    }

    internal static HttpClient Client(string token, Uri? baseAddress = null)
    {
        var http = new HttpClient { BaseAddress = baseAddress ?? new Uri($"http://127.0.0.1:{FreePort()}"), Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>SIGTERM, so that the service drains its spools and closes its engine, then waits (SIGKILL after 60 s).</summary>
    internal static async Task StopAsync(Process service)
    {
        if (!service.HasExited)
            using (var term = Process.Start("kill", ["-TERM", service.Id.ToString()])) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await service.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
        service.Dispose();
    }

    static async Task<(string Id, string Key)> CreateSiteAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/sites", new { name = "Customers bench", domains = new[] { "shop.example" } });
        response.EnsureSuccessStatusCode();
        var site = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (site.GetProperty("id").GetString()!, site.GetProperty("key").GetString()!);
    }

    /// <summary>A user of the service role (customer service), member of the site: the view's everyday caller.</summary>
    static async Task<string> ServiceUserAsync(HttpClient admin, string siteKey)
    {
        using var created = await admin.PostAsJsonAsync("/api/users", new { name = "Service desk", role = "service" });
        created.EnsureSuccessStatusCode();
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var member = await admin.PostAsJsonAsync($"/api/sites/{siteKey}/members", new { user_id = user.GetProperty("id").GetString() });
        member.EnsureSuccessStatusCode();
        return user.GetProperty("token").GetString()!;
    }

    /// <summary>One CRM import as a generated JSON body; rows/s until the answer (every row stored by then).</summary>
    static async Task<double> ImportAsync(HttpClient http, string siteKey, string kind, int rows, Action<TextWriter, int> write)
    {
        var content = new CrmImportBench.GeneratedBody(kind, "json", rows, (text, _, i, _) => write(text, i));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync($"/api/crm/{kind}?site={siteKey}", content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{kind}: {(int)response.StatusCode}: {body}");
        var upserted = JsonDocument.Parse(body).RootElement.GetProperty("upserted").GetInt64();
        if (upserted != rows) throw new InvalidOperationException($"{kind}: upserted {upserted} of {rows}: {body[..Math.Min(body.Length, 2000)]}");
        return rows / clock.Elapsed.TotalSeconds;
    }
}
