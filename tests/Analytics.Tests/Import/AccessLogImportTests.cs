using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Import.ImportClient;

namespace Analytics.Tests.Import;

/// <summary>POST /api/import/access-log: a web server's combined log as pageviews, on both engines.</summary>
public abstract class AccessLogImportTests(ApiFactory api)
{
    static DateTimeOffset Hour(int hoursAgo) => new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-3).AddHours(12 - hoursAgo), TimeSpan.Zero);

    /// <summary>Three pageviews among everything else a log holds; the answer it must give is asserted below.</summary>
    static string MixedLog()
    {
        var t = Hour(0);
        return new StringBuilder()
            .AppendLine(AccessLog.Line(t, "/", referrer: "https://www.google.com/search?q=shoes"))
            .AppendLine(AccessLog.Line(t.AddSeconds(1), "/assets/site.css?v=3", referrer: "https://shop.example/"))
            .AppendLine(AccessLog.Line(t.AddSeconds(1), "/assets/app.js", referrer: "https://shop.example/"))
            .AppendLine(AccessLog.Line(t.AddSeconds(1), "/img/hero.WEBP", referrer: "https://shop.example/"))
            .AppendLine(AccessLog.Line(t.AddSeconds(1), "/favicon.ico"))
            .AppendLine(AccessLog.Line(t.AddSeconds(1), "/fonts/a.woff2"))
            .AppendLine(AccessLog.Line(t.AddSeconds(2), "/app.js.map"))
            // The second pageview is logged by a server in UTC+2: the same instant, another wall clock.
            .AppendLine(AccessLog.Line(t.AddSeconds(60).ToOffset(TimeSpan.FromHours(2)), "/p/shoe-1?utm_source=newsletter&utm_medium=email", userAgent: AccessLog.IPhone, ip: "81.2.69.142"))
            .AppendLine(AccessLog.Line(t.AddSeconds(61), "/p/shoe-1", userAgent: AccessLog.Googlebot, ip: "66.249.66.1"))
            .AppendLine(AccessLog.Line(t.AddSeconds(62), "/missing", status: 404))
            .AppendLine(AccessLog.Line(t.AddSeconds(63), "/cart", status: 500))
            .AppendLine(AccessLog.Line(t.AddSeconds(64), "/cart/add", method: "POST", status: 200))
            .AppendLine(AccessLog.Line(t.AddSeconds(65), "/old-page", status: 301))
            .AppendLine("this is not a log line")
            .AppendLine("10.1.2.3 - - [32/Foo/2024:99:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"")
            .AppendLine("")
            .AppendLine(AccessLog.Line(t.AddSeconds(120), "/p/shoe-2", status: 304, referrer: "https://shop.example/p/shoe-1", userAgent: AccessLog.Firefox))
            .ToString();
    }

    static void AssertMixedLogReport(JsonElement report)
    {
        Assert.Equal(16, report.GetProperty("lines_read").GetInt64());
        Assert.Equal(3, report.GetProperty("imported").GetInt64());
        Assert.Equal(6, Skipped(report, "static"));
        Assert.Equal(1, Skipped(report, "bot"));
        Assert.Equal(2, Skipped(report, "error_status"));
        Assert.Equal(1, Skipped(report, "method"));
        Assert.Equal(1, Skipped(report, "redirect"));
        Assert.Equal(2, Skipped(report, "malformed"));
        AssertCountsAddUp(report);
    }

    [Fact]
    public async Task Pageviews_are_imported_with_time_path_referrer_and_user_agent_and_the_rest_is_skipped_with_reasons()
    {
        var key = await CreateSiteAsync(api, "shop.example");
        var siteId = await api.SiteIdAsync(key);

        var report = await PostAsync(api, $"/api/import/access-log?site={key}", Text(MixedLog(), "text/plain"));

        AssertMixedLogReport(report);
        Assert.Equal(3, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {siteId}"), 3));
        var rows = await RowsAsync(api, Analytics.Storage.Sql.Query($"toUnixTimestamp(ts) AS ts_s, ts_ms, type, url, hostname, path, referrer, browser, os, device, is_bot, channel, source, utm_source, origin"), siteId);
        var t = Hour(0).ToUnixTimeSeconds();
        Assert.Equal([t, t + 60, t + 120], rows.Select(r => long.Parse(r.GetProperty("ts_s").ToString())));
        Assert.Equal(["/", "/p/shoe-1", "/p/shoe-2"], rows.Select(r => r.GetProperty("path").GetString()));
        Assert.All(rows, r => Assert.Equal("access_log", r.GetProperty("origin").GetString()));
        Assert.All(rows, r => Assert.Equal("pageview", r.GetProperty("type").GetString()));
        Assert.All(rows, r => Assert.Equal("shop.example", r.GetProperty("hostname").GetString()));

        Assert.Equal("https://www.google.com/search", rows[0].GetProperty("referrer").GetString()); // external: origin and path only
        Assert.Equal("organic_search", rows[0].GetProperty("channel").GetString());
        Assert.Equal("Google", rows[0].GetProperty("source").GetString());
        Assert.Equal("Chrome", rows[0].GetProperty("browser").GetString());
        Assert.Equal("Windows", rows[0].GetProperty("os").GetString());
        Assert.Equal("desktop", rows[0].GetProperty("device").GetString());

        Assert.Equal("https://shop.example/p/shoe-1?utm_source=newsletter&utm_medium=email", rows[1].GetProperty("url").GetString());
        Assert.Equal("Mobile Safari", rows[1].GetProperty("browser").GetString());
        Assert.Equal("mobile", rows[1].GetProperty("device").GetString());
        Assert.Equal("email", rows[1].GetProperty("channel").GetString());
        Assert.Equal("newsletter", rows[1].GetProperty("utm_source").GetString());

        Assert.Equal("https://shop.example/p/shoe-1", rows[2].GetProperty("referrer").GetString());
        Assert.Equal("internal", rows[2].GetProperty("channel").GetString());
        Assert.Equal("Firefox", rows[2].GetProperty("browser").GetString());
    }

    [Fact]
    public async Task A_gzip_encoded_log_gives_the_same_answer_and_rows()
    {
        var key = await CreateSiteAsync(api, "shop.example");
        var siteId = await api.SiteIdAsync(key);

        var report = await PostAsync(api, $"/api/import/access-log?site={key}", Text(MixedLog(), "text/plain", gzip: true));

        AssertMixedLogReport(report);
        Assert.Equal(3, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {siteId}"), 3));
        var paths = (await RowsAsync(api, Analytics.Storage.Sql.Query($"path"), siteId)).Select(r => r.GetProperty("path").GetString());
        Assert.Equal(["/", "/p/shoe-1", "/p/shoe-2"], paths);
    }

    [Fact]
    public async Task Lines_older_than_the_retention_are_skipped_as_too_old_and_a_broken_gzip_body_is_a_400_that_keeps_what_was_read()
    {
        var key = await CreateSiteAsync(api, "shop.example", retentionDays: 30);
        var log = AccessLog.Line(DateTimeOffset.UtcNow.AddDays(-31), "/old") + "\n" + AccessLog.Line(DateTimeOffset.UtcNow.AddDays(-29), "/recent") + "\n";
        var report = await PostAsync(api, $"/api/import/access-log?site={key}", Text(log, "text/plain"));
        Assert.Equal(1, Skipped(report, "too_old"));
        Assert.Equal(1, report.GetProperty("imported").GetInt64());

        var broken = new ByteArrayContent(Encoding.UTF8.GetBytes(log));
        broken.Headers.ContentType = new("text/plain");
        broken.Headers.ContentEncoding.Add("gzip");
        var response = await api.Admin().PostAsync($"/api/import/access-log?site={key}", broken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("body", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    /// <summary>
    /// The promise of the importer: a log gives what the tracker would have sent. The same pageviews go through
    /// /api/collect (same user agent per request, same time, page and referrer) and the stored rows must agree on
    /// everything that does not depend on the address (collect does not trust X-Forwarded-For).
    /// </summary>
    [Fact]
    public async Task A_generated_log_stores_the_same_as_the_same_pageviews_sent_through_collect()
    {
        var importKey = await CreateSiteAsync(api, "shop.example");
        var collectKey = await CreateSiteAsync(api, "shop.example");
        var (importSite, collectSite) = (await api.SiteIdAsync(importKey), await api.SiteIdAsync(collectKey));
        var pageviews = GeneratedPageviews(3000);

        var log = new StringBuilder();
        foreach (var p in pageviews)
        {
            log.AppendLine(AccessLog.Line(p.Time, p.Target, referrer: p.Referrer, userAgent: p.UserAgent, ip: p.Ip));
            if (p.Target.StartsWith("/p/")) log.AppendLine(AccessLog.Line(p.Time, "/img" + p.Target.Split('?')[0] + ".jpg", referrer: "https://shop.example" + p.Target, userAgent: p.UserAgent, ip: p.Ip));
        }
        var report = await PostAsync(api, $"/api/import/access-log?site={importKey}", Text(log.ToString(), "text/plain", gzip: true));
        Assert.Equal(pageviews.Count, report.GetProperty("imported").GetInt64());
        AssertCountsAddUp(report);

        var collect = api.CreateClient();
        foreach (var group in pageviews.GroupBy(p => p.UserAgent))
        foreach (var chunk in group.Chunk(400))
        {
            var events = chunk.Select(p => new { type = "pageview", ts = p.Time.ToUnixTimeMilliseconds(), url = "https://shop.example" + p.Target, referrer = p.Referrer }).ToArray();
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/collect")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { site = collectKey, events }), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("User-Agent", group.Key);
            var response = await collect.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Equal(pageviews.Count, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {importSite}"), pageviews.Count));
        Assert.Equal(pageviews.Count, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {collectSite}"), pageviews.Count));
        var fields = Analytics.Storage.Sql.Query($"ts_ms, type, url, hostname, path, referrer, channel, source, utm_source, utm_medium, utm_campaign, browser, browser_version, os, os_version, device, device_family, is_bot");
        var imported = await Grouped(importSite);
        var collected = await Grouped(collectSite);
        Assert.Equal(pageviews.Count, imported.Sum(r => r.Count));
        Assert.Equal(collected, imported);

        async Task<List<(string Row, long Count)>> Grouped(string siteId)
        {
            var rows = await QueryAsync(api, Analytics.Storage.Sql.Query($"SELECT {fields}, count() AS n FROM events WHERE site_id = {siteId} GROUP BY {fields} ORDER BY {fields}"));
            return rows.Select(r =>
            {
                var n = long.Parse(r.GetProperty("n").ToString());
                var copy = JsonSerializer.Serialize(r.EnumerateObject().Where(p => p.Name != "n").ToDictionary(p => p.Name, p => p.Value.ToString()));
                return (copy, n);
            }).ToList();
        }
    }

    sealed record Pageview(DateTimeOffset Time, string Target, string? Referrer, string UserAgent, string Ip);

    /// <summary>Pageviews of the last hours (collect keeps a client time of the last 24 h as it is) from a few browsers and sources.</summary>
    static List<Pageview> GeneratedPageviews(int count)
    {
        var random = new Random(42);
        string[] agents = [AccessLog.Chrome, AccessLog.Firefox, AccessLog.IPhone, AccessLog.Android];
        string[] targets = ["/", "/p/1", "/p/2?utm_source=newsletter&utm_medium=email&utm_campaign=spring", "/cart", "/p/3?gclid=abc", "/blog/%C3%BCber-uns", "/search?q=red+shoes"];
        string?[] referrers = [null, "https://www.google.com/", "https://shop.example/", "https://www.bing.com/search?q=x", "https://l.facebook.com/l.php", "https://news.example.org/a"];
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-6).ToUnixTimeSeconds());
        return Enumerable.Range(0, count).Select(i => new Pageview(
            start.AddSeconds(i * 5), targets[random.Next(targets.Length)], referrers[random.Next(referrers.Length)],
            agents[random.Next(agents.Length)], $"10.{random.Next(4)}.{random.Next(256)}.{random.Next(1, 255)}")).ToList();
    }
}

public sealed class AccessLogImportTestsEmbedded(EmbeddedApi api) : AccessLogImportTests(api), IClassFixture<EmbeddedApi>;
public sealed class AccessLogImportTestsServer(ServerApi api) : AccessLogImportTests(api), IClassFixture<ServerApi>;
