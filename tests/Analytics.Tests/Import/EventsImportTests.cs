using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Import.ImportClient;

namespace Analytics.Tests.Import;

/// <summary>POST /api/import/events: NDJSON history through the collect pipeline, on both engines.</summary>
public abstract class EventsImportTests(ApiFactory api)
{
    const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    const string Googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static long DaysAgo(double days) => DateTimeOffset.UtcNow.AddDays(-days).ToUnixTimeMilliseconds() / 1000 * 1000;

    static string Line(object e) => JsonSerializer.Serialize(e);

    [Fact]
    public async Task Valid_lines_are_imported_with_their_own_past_time_and_every_other_line_is_counted_with_its_reason()
    {
        var key = await CreateSiteAsync(api, "shop.example");
        var siteId = await api.SiteIdAsync(key);
        var (threeDays, twoDays) = (DaysAgo(3), DaysAgo(2));
        var body = new StringBuilder()
            .AppendLine(Line(new { type = "pageview", ts = threeDays, url = "https://shop.example/p/1?utm_source=news&utm_medium=email", referrer = "https://www.google.com/",
                                   title = "first", ip = "81.2.69.142", user_agent = IPhone }))
            .AppendLine(Line(new { type = "purchase", ts = twoDays, url = "https://shop.example/checkout", order_id = "o-1", revenue = 12.5, currency = "EUR",
                                   vid = "v-1", consent = new { analytics = true, marketing = false }, ip = "81.2.69.142", user_agent = IPhone }))
            .AppendLine("{\"type\": \"pageview\", \"url\": ")                                                             // 3 malformed
            .AppendLine("[1, 2]")                                                                                         // 4 malformed
            .AppendLine("")                                                                                               // blank: not counted
            .AppendLine(Line(new { type = "teleport", ts = twoDays, url = "https://shop.example/" }))                     // 6 invalid type
            .AppendLine(Line(new { type = "pageview", url = "https://shop.example/no-time" }))                            // 7 invalid ts
            .AppendLine(Line(new { type = "pageview", ts = twoDays, url = "https://shop.example/", ip = "not-an-ip" }))  // 8 invalid ip
            .AppendLine(Line(new { type = "pageview", ts = DaysAgo(400), url = "https://shop.example/old" }))            // 9 too_old (retention 395)
            .AppendLine(Line(new { type = "pageview", ts = DaysAgo(-1), url = "https://shop.example/later" }))           // 10 future
            .Append(Line(new { type = "pageview", ts = twoDays, url = "https://shop.example/robots", ip = "81.2.69.143", user_agent = Googlebot })) // no final newline
            .ToString();

        var report = await PostAsync(api, $"/api/import/events?site={key}", Text(body, "application/x-ndjson"));

        Assert.Equal(10, report.GetProperty("lines_read").GetInt64());
        Assert.Equal(3, report.GetProperty("imported").GetInt64());
        Assert.Equal(2, Skipped(report, "malformed"));
        Assert.Equal(3, Skipped(report, "invalid"));
        Assert.Equal(1, Skipped(report, "too_old"));
        Assert.Equal(1, Skipped(report, "future"));
        AssertCountsAddUp(report);
        var lines = report.GetProperty("skipped_lines").EnumerateArray().ToDictionary(l => l.GetProperty("line").GetInt64());
        Assert.Equal([3, 4, 6, 7, 8, 9, 10], lines.Keys.Order());
        Assert.Equal("type", lines[6].GetProperty("field").GetString());
        Assert.Equal("ts", lines[7].GetProperty("field").GetString());
        Assert.Equal("ip", lines[8].GetProperty("field").GetString());

        Assert.Equal(3, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {siteId}"), 3));
        var rows = await RowsAsync(api, Analytics.Storage.Sql.Query($"ts_ms, toUnixTimestamp(ts) AS ts_s, type, path, referrer, vid, browser, os, device, is_bot, channel, source, utm_source, origin, revenue"), siteId);
        Assert.Equal([threeDays, twoDays, twoDays], rows.Select(r => long.Parse(r.GetProperty("ts_ms").ToString())));
        Assert.Equal(threeDays / 1000, long.Parse(rows[0].GetProperty("ts_s").ToString()));
        Assert.All(rows, r => Assert.Equal("import", r.GetProperty("origin").GetString()));

        var pageview = rows[0];
        Assert.Equal("/p/1", pageview.GetProperty("path").GetString());
        Assert.Equal("https://www.google.com/", pageview.GetProperty("referrer").GetString());
        Assert.Equal("Mobile Safari", pageview.GetProperty("browser").GetString());
        Assert.Equal("iOS", pageview.GetProperty("os").GetString());
        Assert.Equal("mobile", pageview.GetProperty("device").GetString());
        Assert.Equal("email", pageview.GetProperty("channel").GetString());
        Assert.Equal("news", pageview.GetProperty("utm_source").GetString());
        Assert.Matches("^[0-9a-f]{16}$", pageview.GetProperty("vid").GetString()); // the cookieless hash of the IP, not the IP
        var purchase = rows.Single(r => r.GetProperty("type").GetString() == "purchase");
        Assert.Equal("v-1", purchase.GetProperty("vid").GetString());
        Assert.Equal(12.5, purchase.GetProperty("revenue").GetDouble());
        var bot = rows.Single(r => r.GetProperty("path").GetString() == "/robots");
        Assert.Equal(1, int.Parse(bot.GetProperty("is_bot").ToString())); // flagged and kept, as collect keeps bots

        var everything = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"SELECT * FROM events WHERE site_id = {siteId}"));
        Assert.DoesNotContain("81.2.69.14", everything); // the address was used, never stored
    }

    [Fact]
    public async Task The_same_visitor_on_two_past_days_gets_two_cookieless_ids_like_collect_does()
    {
        var key = await CreateSiteAsync(api, "shop.example");
        var siteId = await api.SiteIdAsync(key);
        var fiveDaysAgo = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-5).AddHours(10), TimeSpan.Zero);
        var times = new[] { fiveDaysAgo, fiveDaysAgo.AddMinutes(30), fiveDaysAgo.AddDays(1) };
        var body = string.Join('\n', times.Select(t => Line(new { type = "pageview", ts = t.ToUnixTimeMilliseconds(), url = "https://shop.example/", ip = "10.1.2.3", user_agent = IPhone })));
        var report = await PostAsync(api, $"/api/import/events?site={key}", Text(body, "application/x-ndjson"));
        Assert.Equal(3, report.GetProperty("imported").GetInt64());
        Assert.Equal(3, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {siteId}"), 3));
        var vids = (await RowsAsync(api, Analytics.Storage.Sql.Query($"vid"), siteId, Analytics.Storage.Sql.Query($"ts_ms"))).Select(r => r.GetProperty("vid").GetString()).ToList();
        Assert.Equal(vids[0], vids[1]);
        Assert.NotEqual(vids[1], vids[2]);
    }

    [Fact]
    public async Task Import_needs_an_admin_and_a_known_site()
    {
        var key = await CreateSiteAsync(api, "shop.example");
        var anonymous = await api.CreateClient().PostAsync($"/api/import/events?site={key}", Text("{}", "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var unknown = await api.Admin().PostAsync("/api/import/events?site=nope", Text("{}", "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("site", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        var missing = await api.Admin().PostAsync("/api/import/access-log", Text("", "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var wrongType = await api.Admin().PostAsync($"/api/import/access-log?site={key}", Text("<xml/>", "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        var brotli = Text("", "text/plain");
        brotli.Headers.ContentEncoding.Add("br");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await api.Admin().PostAsync($"/api/import/access-log?site={key}", brotli)).StatusCode);
    }
}

public sealed class EventsImportTestsEmbedded(EmbeddedApi api) : EventsImportTests(api), IClassFixture<EmbeddedApi>;
public sealed class EventsImportTestsServer(ServerApi api) : EventsImportTests(api), IClassFixture<ServerApi>;
