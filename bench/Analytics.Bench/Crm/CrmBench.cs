using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Bench.Customers;
using Analytics.Demo;
using Analytics.Tests.Infrastructure;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench.Crm;

/// <summary>
/// <c>crm [--events 10000000] [--customers 100000] [--days 28] [--engines embedded,server] [--requests 20] [--keep-data]</c>: the
/// analytical CRM reports (value, RFM, frequency, affinity, surveys) and a segment's export through HTTP on the
/// <c>customers</c> mode's shop (CRM through the API, web traffic by RowBinary), plus acquisition costs and survey
/// answers and ratings through the API; per engine, report cache off.
/// </summary>
static class CrmBench
{
    const string Token = BenchSupport.AdminToken;

    public static async Task<int> Run(string[] args)
    {
        var events = long.Parse(Option(args, "--events") ?? "10000000");
        var customers = int.Parse(Option(args, "--customers") ?? "100000");
        var days = int.Parse(Option(args, "--days") ?? "28");
        var requests = int.Parse(Option(args, "--requests") ?? "20");
        var engines = (Option(args, "--engines") ?? "embedded,server").Split(',');
        // Keeps the embedded engine's data directory (the loaded shop, costs and surveys) to serve again or query by hand.
        var keepData = args.Contains("--keep-data");
        var root = FindRoot();
        if (ReleaseService(root) is not { } app) return 1;
        var end = new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero);
        var model = new ShopCustomers(customers, end.ToUnixTimeMilliseconds(), days);
        Console.WriteLine($"crm {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
        Console.WriteLine($"model: {customers:N0} customers, {model.Orders.Count:N0} orders, {model.ContactCount:N0} contacts; {events:N0} events over {days} days to {end:yyyy-MM-dd}");
        var results = new Dictionary<string, List<Timing>>();
        foreach (var engine in engines)
        {
            using var server = engine == "server" ? new ClickHouseServer() : null;
            var clickHouse = server?.ConnectionString ?? "";
            var dataDir = Directory.CreateTempSubdirectory("analytics-crm-bench-").FullName;
            try
            {
                var shop = await CustomersBench.LoadShopAsync(app, engine, clickHouse, dataDir, model, events, (admin, site) => PostCostsAsync(admin, site, end, days));
                results[engine] = await MeasureAsync(app, engine, clickHouse, dataDir, shop, model, end, days, requests);
            }
            finally
            {
                if (keepData && engine == "embedded") Console.WriteLine($"{engine}: data kept in {dataDir} (admin token {Token})");
                else try { Directory.Delete(dataDir, recursive: true); } catch (IOException e) { Console.Error.WriteLine($"{dataDir} not deleted: {e.Message}"); }
            }
        }
        Console.WriteLine();
        Console.WriteLine($"  {"p50 / p95 ms",-52}" + string.Concat(results.Keys.Select(e => $"{e,22}")));
        foreach (var name in results.Values.First().Select(t => t.Name))
            Console.WriteLine($"  {name,-52}" + string.Concat(results.Values.Select(r => r.FirstOrDefault(t => t.Name == name) is { } t ? $"{t.P50,10:F0} / {t.P95,9:F0}" : $"{"-",22}")));
        Console.WriteLine($"load average after: {LoadAverage()}");
        var file = Path.Combine(root, "bench", "results", $"crm-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { events, customers, days, engines = results }, CustomersLoad.Json));
        Console.WriteLine($"results: {file}");
        return 0;
    }

    static async Task<List<Timing>> MeasureAsync(string app, string engine, string clickHouse, string dataDir, LoadedShop shop, ShopCustomers model,
        DateTimeOffset end, int days, int requests)
    {
        using var admin = CustomersBench.Client(Token, shop.BaseAddress);
        var service = StartService(app, shop.BaseAddress, dataDir, Token, clickHouse, new Dictionary<string, string> { ["Reports__CacheSeconds"] = "0" });
        try
        {
            await WaitReadyAsync(admin, service);
            await CustomersBench.WaitForStoredSessionsAsync(admin, engine);
            await PostSurveysAsync(admin, shop.SiteKey, model, end, days);
            // The answers mark every day of the window: measure once those days are stored again, not during their refresh.
            await CustomersBench.WaitForStoredSessionsAsync(admin, engine);
            var site = shop.SiteKey;
            var year = $"from={end.AddDays(-365):yyyy-MM-dd}&to={end.AddDays(-1):yyyy-MM-dd}";
            var window = $"from={end.AddDays(-days):yyyy-MM-dd}&to={end.AddDays(-1):yyyy-MM-dd}";
            var cases = new (string Name, string Url)[]
            {
                ("value, per customer (12 months, first page)", $"/api/reports/value?site={site}&{year}"),
                ("value, by class", $"/api/reports/value?site={site}&{year}&group_by=class"),
                ("value, by channel", $"/api/reports/value?site={site}&{year}&group_by=channel"),
                ("value, by campaign", $"/api/reports/value?site={site}&{year}&group_by=campaign"),
                ("rfm (12 months, with movement)", $"/api/reports/rfm?site={site}&{year}"),
                ("frequency (12 months)", $"/api/reports/frequency?site={site}&{year}"),
                ("affinity, one product (28 days)", $"/api/reports/affinity?site={site}&{window}&sku=S100"),
                ("affinity, top pairs (28 days)", $"/api/reports/affinity?site={site}&{window}"),
                ("surveys (28 days)", $"/api/reports/surveys?site={site}&{window}"),
            };
            var timings = new List<Timing>();
            // The first report finds no stored snapshot of the orders (docs/customers.md "Stored customer orders"): it
            // reads the orders' query and starts the snapshot's build. Measured once, then the build is waited for.
            var cold = await TimedGetAsync(admin, cases[4].Url);
            timings.Add(Timing.Of("rfm, before the orders' snapshot (1 request)", [cold.Ms]));
            Console.WriteLine($"    {timings[^1].Name}: {cold.Ms:F0} ms; snapshot stored in {await WaitForSnapshotAsync(admin, "analytics_customer_order_snapshot_seconds"):F1} s (load average {LoadAverage()})");
            // Likewise the value report's first touches (Crm/Value/FirstTouchSnapshots): built in the background after the
            // first value request; until then each request reads every linked session (on 18.16 the whole first minute).
            var touches = await TimedGetAsync(admin, cases[0].Url);
            Console.WriteLine($"    value before the first touches' snapshot: {touches.Ms:F0} ms; snapshot stored in {await WaitForSnapshotAsync(admin, "analytics_first_touch_snapshot_seconds"):F1} s");
            foreach (var (name, url) in cases)
            {
                await TimedGetAsync(admin, url); // warm-up, not counted
                var ms = new List<double>();
                for (var i = 0; i < requests; i++) ms.Add((await TimedGetAsync(admin, url)).Ms);
                timings.Add(Timing.Of(name, ms));
                Console.WriteLine($"    {name}: p50 {timings[^1].P50:F0} ms, p95 {timings[^1].P95:F0} ms (load average {LoadAverage()})");
            }
            timings.AddRange(await SegmentExportAsync(admin, site, requests));
            Console.WriteLine();
            Console.WriteLine($"{engine}: {shop.Summary.Events:N0} events, {model.Customers.Count:N0} customers, {model.Orders.Count:N0} orders; load average {LoadAverage()}");
            CustomersBench.PrintTimings(timings);
            return timings;
        }
        finally
        {
            await CustomersBench.StopAsync(service);
        }
    }

    /// <summary>Acquisition costs for every day of the window, channel and campaign the traffic uses (POST /api/costs, JSON).</summary>
    static async Task PostCostsAsync(HttpClient admin, string site, DateTimeOffset end, int days)
    {
        var rows = new List<object>();
        for (var d = days + 400; d >= 1; d--) // the months of the first orders of a year's customers, too
            foreach (var channel in new[] { "organic_search", "paid_search", "social", "email", "referral" })
            foreach (var campaign in new[] { "", "autumn", "brand", "retarget" })
                rows.Add(new { day = end.AddDays(-d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), channel, campaign, cost = 5 + (d * 7 + campaign.Length) % 90 });
        using var response = await admin.PostAsJsonAsync($"/api/costs?site={site}", rows);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"costs: {(int)response.StatusCode}: {body}");
        Console.WriteLine($"  costs: {rows.Count:N0} rows posted");
    }

    /// <summary>
    /// NPS answers and ratings through POST /api/import/events: one survey answer or rating for a third of the
    /// customers' devices, at a random time of the window, with analytics consent (so they link to the customer).
    /// </summary>
    static async Task PostSurveysAsync(HttpClient admin, string site, ShopCustomers model, DateTimeOffset end, int days)
    {
        var random = new Random(ShopCustomers.Seed + 9);
        var body = new StringBuilder();
        var lines = 0;
        foreach (var customer in model.Customers)
        foreach (var vid in customer.OwnDevices)
        {
            if (random.Next(3) != 0) continue;
            var ts = end.AddDays(-days).ToUnixTimeMilliseconds() + (long)(random.NextDouble() * (days - 1) * ShopCustomers.Day);
            var answer = random.Next(2) == 0
                ? $"\"type\":\"survey_answer\",\"survey\":\"nps\",\"question\":\"recommend\",\"score\":{random.Next(11)}"
                : $"\"type\":\"rating\",\"subject\":\"S{random.Next(ShopTraffic.Products)}\",\"stars\":{1 + random.Next(5)}";
            body.Append(CultureInfo.InvariantCulture, $"{{{answer},\"ts\":{ts},\"url\":\"https://shop.example/thanks\",\"vid\":\"{vid}\",\"consent\":{{\"analytics\":true,\"marketing\":false}},")
                .Append("\"ip\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\"}\n");
            lines++;
        }
        var clock = Stopwatch.StartNew();
        using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson");
        using var response = await admin.PostAsync($"/api/import/events?site={site}", content);
        var answer2 = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"surveys: {(int)response.StatusCode}: {answer2}");
        Console.WriteLine($"  surveys and ratings: {lines:N0} posted in {clock.Elapsed.TotalSeconds:F1} s: {answer2}");
    }

    /// <summary>
    /// Waits until the service has stored a snapshot counted by <paramref name="metric"/> (a histogram of build seconds:
    /// the orders', the first touches'); returns the seconds its first build took.
    /// </summary>
    static async Task<double> WaitForSnapshotAsync(HttpClient admin, string metric)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            var text = await admin.GetStringAsync("/metrics");
            if (text.Contains(metric + "_count ") && Ingest.ServiceUnderTest.Metric(text, metric + "_count") >= 1)
                return Ingest.ServiceUnderTest.Metric(text, metric + "_sum");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new InvalidOperationException($"no snapshot counted by {metric} was stored within 10 minutes");
    }

    /// <summary>
    /// Segments of several sizes (every customer; RFM's better half; class C; seen in the window): the first page
    /// (JSON) and the whole export (CSV, customers with marketing consent only), timed; each prints its total and
    /// how many were held back.
    /// </summary>
    static async Task<List<Timing>> SegmentExportAsync(HttpClient admin, string site, int requests)
    {
        var candidates = new (string Name, object Filters)[]
        {
            ("every customer", new { }),
            ("rfm champions … promising", new { rfm_segment = new[] { "champions", "loyal", "potential_loyalists", "new", "promising" } }),
            ("class C", new { @class = new[] { "C" } }),
            ("seen in the last 28 days", new { last_seen = new { within_days = 28 } }),
        };
        var timings = new List<Timing>();
        foreach (var (name, filters) in candidates)
        {
            using var created = await admin.PostAsJsonAsync($"/api/sites/{site}/segments", new { name = "bench: " + name, filters });
            var segment = await created.Content.ReadAsStringAsync();
            if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"segment {name}: {(int)created.StatusCode}: {segment}");
            var id = JsonDocument.Parse(segment).RootElement.GetProperty("id").ToString();
            var (_, first) = await TimedGetAsync(admin, $"/api/segments/{id}/customers?page_size=50");
            var page = JsonDocument.Parse(first).RootElement;
            var (total, heldBack) = (page.GetProperty("total").GetInt64(), page.GetProperty("held_back").GetInt64());
            foreach (var (kind, url) in new[] { ("first page (50)", $"/api/segments/{id}/customers?page_size=50"), ("export (CSV)", $"/api/segments/{id}/customers?format=csv") })
            {
                var ms = new List<double>();
                var bytes = 0;
                for (var i = 0; i < Math.Max(3, requests / 4); i++)
                {
                    var (elapsed, body) = await TimedGetAsync(admin, url);
                    ms.Add(elapsed);
                    bytes = body.Length;
                }
                timings.Add(Timing.Of($"segment {name} ({total:N0} in it, {heldBack:N0} held back): {kind}", ms));
                Console.WriteLine($"    {timings[^1].Name}: p50 {timings[^1].P50:F0} ms, p95 {timings[^1].P95:F0} ms, {bytes:N0} bytes");
            }
        }
        return timings;
    }

    static async Task<(double Ms, string Body)> TimedGetAsync(HttpClient client, string url)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url} answers {(int)response.StatusCode}: {body[..Math.Min(body.Length, 1500)]}");
        return (ms, body);
    }
}
