using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Import;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Import.ImportClient;

namespace Analytics.Tests.Ingestion;

/// <summary>
/// Secrets in page URLs, referrers and titles never reach storage, through /api/collect and both importers, while
/// channel and UTM detection still read the whole URL: on both engines, reading the stored rows.
/// </summary>
public abstract class UrlPrivacyStorageTests(ApiFactory api)
{
    /// <summary>A newsletter link to a product page (the site keeps "id"), with an OAuth-style fragment on top.</summary>
    const string NewsletterPage = "https://shop.example/product.html?id=3&email=jane%40example.com&token=tok123&utm_source=newsletter&utm_medium=email&utm_content=jane%40example.com#access_token=frag456";
    const string StoredNewsletterPage = "https://shop.example/product.html?id=3&utm_source=newsletter&utm_medium=email";
    const string AdPage = "https://shop.example/landing?gclid=g-1&password=pw111&q=jane";
    const string StoredAdPage = "https://shop.example/landing?gclid=g-1";
    const string SearchReferrer = "https://www.google.com/search?q=jane+doe+sess789";
    static readonly string[] Secrets = ["jane", "tok123", "frag456", "access_token", "pw111", "sess789", "password", "email="];

    async Task<(string Key, string SiteId)> SiteAsync()
    {
        var response = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Private shop", domains = new[] { "shop.example" }, query_params = new[] { "id" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return (key, await api.SiteIdAsync(key));
    }

    async Task<List<JsonElement>> StoredAsync(string siteId, int expected)
    {
        Assert.Equal(expected, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {siteId}"), expected));
        var everything = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"SELECT * FROM events WHERE site_id = {siteId}"));
        foreach (var secret in Secrets) Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
        return await RowsAsync(api, Analytics.Storage.Sql.Query($"url, path, referrer, title, channel, source, utm_source, utm_medium"), siteId, Analytics.Storage.Sql.Query($"url"));
    }

    static void AssertNewsletterAndAd(List<JsonElement> rows)
    {
        var ad = rows.Single(r => r.GetProperty("path").GetString() == "/landing");
        Assert.Equal(StoredAdPage, ad.GetProperty("url").GetString());
        Assert.Equal("paid_search", ad.GetProperty("channel").GetString());
        Assert.Equal("Google", ad.GetProperty("source").GetString());
        Assert.Equal("https://www.google.com/search", ad.GetProperty("referrer").GetString());

        var newsletter = rows.Single(r => r.GetProperty("path").GetString() == "/product.html");
        Assert.Equal(StoredNewsletterPage, newsletter.GetProperty("url").GetString());
        Assert.Equal("email", newsletter.GetProperty("channel").GetString());
        Assert.Equal("newsletter", newsletter.GetProperty("utm_source").GetString());
        Assert.Equal("email", newsletter.GetProperty("utm_medium").GetString());
    }

    [Fact]
    public async Task Collect_stores_no_secret_of_the_url_referrer_or_title_and_still_finds_channel_and_campaign()
    {
        var (key, siteId) = await SiteAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var events = new object[]
        {
            new { type = "pageview", ts = now, url = NewsletterPage, referrer = "https://webmail.example.org/inbox?session=sess789#msg", title = "Hello jane@example.com" },
            new { type = "pageview", ts = now, url = AdPage, referrer = SearchReferrer, title = "Landing ?token=tok123" },
            new { type = "custom", name = "next", ts = now, url = "https://shop.example/cart?id=3#password=pw111", referrer = NewsletterPage },
        };
        var response = await api.CreateClient().PostAsync("/api/collect",
            new StringContent(JsonSerializer.Serialize(new { site = key, events }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var rows = await StoredAsync(siteId, 3);
        AssertNewsletterAndAd(rows);
        var newsletter = rows.Single(r => r.GetProperty("path").GetString() == "/product.html");
        Assert.Equal("https://webmail.example.org/inbox", newsletter.GetProperty("referrer").GetString());
        Assert.Equal("Hello [email]", newsletter.GetProperty("title").GetString());
        var cart = rows.Single(r => r.GetProperty("path").GetString() == "/cart");
        Assert.Equal("https://shop.example/cart?id=3", cart.GetProperty("url").GetString());
        Assert.Equal(StoredNewsletterPage, cart.GetProperty("referrer").GetString()); // internal: stored like a page
    }

    [Fact]
    public async Task The_events_importer_stores_no_secret_and_still_finds_channel_and_campaign()
    {
        var (key, siteId) = await SiteAsync();
        var ts = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds();
        var body = string.Join('\n',
            JsonSerializer.Serialize(new { type = "pageview", ts, url = NewsletterPage, title = "For jane@example.com", ip = "81.2.69.142", user_agent = AccessLog.Chrome }),
            JsonSerializer.Serialize(new { type = "pageview", ts, url = AdPage, referrer = SearchReferrer, ip = "81.2.69.142", user_agent = AccessLog.Chrome }));

        var report = await PostAsync(api, $"/api/import/events?site={key}", Text(body, "application/x-ndjson"));

        Assert.Equal(2, report.GetProperty("imported").GetInt64());
        AssertNewsletterAndAd(await StoredAsync(siteId, 2));
    }

    [Fact]
    public async Task The_access_log_importer_stores_no_secret_and_still_finds_channel_and_campaign()
    {
        var (key, siteId) = await SiteAsync();
        var time = DateTimeOffset.UtcNow.AddDays(-1);
        var log = AccessLog.Line(time, NewsletterPage["https://shop.example".Length..NewsletterPage.IndexOf('#')]) + "\n"
                  + AccessLog.Line(time, AdPage["https://shop.example".Length..], referrer: SearchReferrer) + "\n";

        var report = await PostAsync(api, $"/api/import/access-log?site={key}", Text(log, "text/plain"));

        Assert.Equal(2, report.GetProperty("imported").GetInt64());
        AssertNewsletterAndAd(await StoredAsync(siteId, 2));
    }
}

public sealed class UrlPrivacyStorageTestsEmbedded(EmbeddedApi api) : UrlPrivacyStorageTests(api), IClassFixture<EmbeddedApi>;
public sealed class UrlPrivacyStorageTestsServer(ServerApi api) : UrlPrivacyStorageTests(api), IClassFixture<ServerApi>;
