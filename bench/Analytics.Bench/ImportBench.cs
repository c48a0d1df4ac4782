using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench;

/// <summary>
/// POST /api/import/access-log end to end: the built service (Release) as a child process on the embedded engine
/// (or ANALYTICS_CLICKHOUSE with --clickhouse), a generated combined log, timed from the first byte sent until
/// the spool is empty (every row in ClickHouse).
/// </summary>
internal static class ImportBench
{
    const string Token = BenchSupport.AdminToken;

    static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{0}.0) Gecko/20100101 Firefox/{0}.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{0} Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{0} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/{0}.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Mobile Safari/537.36",
    ];
    static readonly string[] Bots = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "curl/8.5.0"];
    static readonly string[] Pages = ["/", "/p/{0}", "/p/{0}?utm_source=newsletter&utm_medium=email&utm_campaign=spring", "/c/shoes?page={0}", "/cart", "/p/{0}?gclid=abc{0}", "/blog/post-{0}"];
    static readonly string[] Assets = ["/assets/site.css?v={0}", "/assets/app.js", "/img/p/{0}.jpg", "/favicon.ico", "/fonts/inter.woff2"];
    static readonly string?[] Referrers = [null, "https://www.google.com/", "https://shop.example/", "https://www.bing.com/search?q=shoes", "https://l.facebook.com/l.php", "https://news.example.org/a"];

    public static async Task<int> Run(string[] args)
    {
        var lines = int.Parse(Option(args, "--lines") ?? "100000");
        var pagesOnly = args.Contains("--pages-only");
        var root = FindRoot();
        if (ReleaseService(root) is not { } app) return 1;
        var geo = Option(args, "--geoip") ?? Path.Combine(root, "tests", "Analytics.Tests", "TestData", "maxmind", "GeoIP2-City-Test.mmdb");
        var clickHouse = Option(args, "--clickhouse") ?? "";
        var dataDir = Directory.CreateTempSubdirectory("analytics-import-bench-").FullName;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}"), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var service = StartService(app, http.BaseAddress, dataDir, Token, clickHouse,
            new Dictionary<string, string> { ["ANALYTICS_GEOIP_DATABASE"] = File.Exists(geo) ? geo : "" });
        try
        {
            await WaitReadyAsync(http, service);
            Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, engine: {(clickHouse.Length > 0 ? "server" : "embedded")}, GeoIP: {(File.Exists(geo) ? geo : "(none)")}");

            var warmSite = await CreateSiteAsync(http);
            var warmup = int.Parse(Option(args, "--warmup") ?? "5000");
            if (warmup > 0) await ImportAsync(http, warmSite, Generate(warmup, pagesOnly, seed: 1), warmup); // JIT and caches warm, as in a running service

            var site = await CreateSiteAsync(http);
            var log = Generate(lines, pagesOnly, seed: 2);
            Console.WriteLine($"log: {lines:N0} lines, {log.Length / 1e6:F1} MB{(pagesOnly ? ", pageviews only" : ", a realistic mix of pages, assets, bots, errors and redirects")}");
            service.Refresh();
            var cpuBefore = service.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var report = await ImportAsync(http, site, log, lines);
            var answered = clock.Elapsed;
            await WaitForEmptySpoolAsync(http);
            var stored = clock.Elapsed;
            service.Refresh();
            var cpu = service.TotalProcessorTime - cpuBefore;

            var imported = report.GetProperty("imported").GetInt64();
            Console.WriteLine($"answer: {report}");
            Console.WriteLine($"answered after {answered.TotalSeconds:F2} s, all rows in ClickHouse after {stored.TotalSeconds:F2} s");
            Console.WriteLine($"lines/s (until stored): {lines / stored.TotalSeconds:N0}   imported rows/s: {imported / stored.TotalSeconds:N0}   lines/s (until answered): {lines / answered.TotalSeconds:N0}");
            // On a shared machine the wall clock also measures the neighbours: the service's own CPU time does not.
            Console.WriteLine($"service CPU: {cpu.TotalSeconds:F2} s = {lines / cpu.TotalSeconds:N0} lines per CPU-second; machine load average: {LoadAverage()}");
            return 0;
        }
        finally
        {
            if (!service.HasExited) service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    static async Task<JsonElement> ImportAsync(HttpClient http, string site, byte[] log, int lines)
    {
        var content = new ByteArrayContent(log);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await http.PostAsync($"/api/import/access-log?site={site}", content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        var report = JsonDocument.Parse(body).RootElement;
        if (report.GetProperty("lines_read").GetInt64() != lines) throw new InvalidOperationException($"lines_read is not {lines}: {body}");
        return report;
    }

    /// <summary>
    /// A day of a shop's log: with <paramref name="pagesOnly"/> every line a pageview; else 60 % pageviews, 28 %
    /// assets, 5 % bots, 4 % errors, 3 % redirects. 300 distinct user agents, 20 000 client addresses.
    /// </summary>
    static byte[] Generate(int lines, bool pagesOnly, int seed)
    {
        var random = new Random(seed);
        var visitors = Enumerable.Range(0, 20_000).Select(_ => (
            Ip: $"{(random.Next(2) == 0 ? "10" : "81")}.{random.Next(2, 200)}.{random.Next(256)}.{random.Next(1, 255)}",
            Agent: string.Format(CultureInfo.InvariantCulture, Agents[random.Next(Agents.Length)], 100 + random.Next(50)))).ToArray();
        var start = DateTimeOffset.UtcNow.AddDays(-2);
        var text = new StringBuilder(lines * 220);
        for (var i = 0; i < lines; i++)
        {
            var time = start.AddMilliseconds(i * (86_400_000.0 / lines));
            var (ip, agent) = visitors[random.Next(visitors.Length)];
            var target = string.Format(CultureInfo.InvariantCulture, Pages[random.Next(Pages.Length)], random.Next(2000));
            var status = 200;
            var roll = pagesOnly ? 0 : random.Next(100);
            if (roll >= 60 && roll < 88) target = string.Format(CultureInfo.InvariantCulture, Assets[random.Next(Assets.Length)], random.Next(2000));
            else if (roll >= 88 && roll < 93) agent = Bots[random.Next(Bots.Length)];
            else if (roll >= 93 && roll < 97) status = random.Next(2) == 0 ? 404 : 500;
            else if (roll >= 97) status = 301;
            var referrer = Referrers[random.Next(Referrers.Length)] ?? "-";
            text.Append(ip).Append(" - - [").Append(time.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("] \"GET ")
                .Append(target).Append(" HTTP/1.1\" ").Append(status).Append(" 5120 \"").Append(referrer).Append("\" \"").Append(agent).Append("\"\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    static async Task<string> CreateSiteAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/sites", new { name = "Import bench", domains = new[] { "shop.example" } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    static async Task WaitForEmptySpoolAsync(HttpClient http)
    {
        while (true)
        {
            using var response = await http.GetAsync("/readyz");
            if ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("spool_rows").GetInt64() == 0) return;
            await Task.Delay(10);
        }
    }
}
