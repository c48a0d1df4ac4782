using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Identity;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Import.ImportClient;

namespace Analytics.Tests.Identity;

/// <summary>Identify events become identity links (collect and the events importer), on both engines.</summary>
public abstract class IdentifyLinkTests(ApiFactory api)
{
    static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
    static readonly object Consented = new { analytics = true, marketing = false };

    internal static object Identify(string customer, string? vid, object? consent, string? signature = null, long? ts = null) => new
    {
        type = "identify", ts = ts ?? Now, url = "https://shop.example/account", customer_id = customer, vid, consent, signature,
    };

    internal static async Task<JsonElement> CollectAsync(ApiFactory api, string site, params object[] events)
    {
        var body = new StringContent(JsonSerializer.Serialize(new { site, events }), Encoding.UTF8, "application/json");
        var response = await api.CreateClient().PostAsync("/api/collect", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static async Task<List<JsonElement>> LinksAsync(ApiFactory api, string siteId)
    {
        var json = await api.ClickHouse.QueryJsonEachRowAsync(Sql.Query($"""
            SELECT toString(link_id) AS link_id, visitor_id, customer_id, toUnixTimestamp(linked_at) AS linked_at, source
            FROM identity_links WHERE site_id = {siteId} ORDER BY customer_id
            """));
        return json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    /// <summary>Links are stored by the link writer after the answer: waits until the customer's link is there.</summary>
    internal static async Task<List<JsonElement>> WaitForLinkAsync(ApiFactory api, string siteId, string customer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<JsonElement> links;
        do
        {
            links = await LinksAsync(api, siteId);
            if (links.Any(l => l.GetProperty("customer_id").GetString() == customer)) return links;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"no link of {customer} stored within 30 s");
        return links;
    }

    [Fact]
    public async Task A_consented_identify_links_its_visitor_to_the_customer_and_is_stored_as_an_event()
    {
        var key = await api.CreateSiteAsync("shop.example");
        var siteId = await api.SiteIdAsync(key);
        var ts = Now - 60_000;
        var answer = await CollectAsync(api, key, Identify("C42", "v-device-1", Consented, ts: ts));
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());

        var link = Assert.Single(await WaitForLinkAsync(api, siteId, "C42"));
        Assert.Equal("v-device-1", link.GetProperty("visitor_id").GetString());
        Assert.Equal(ts / 1000, long.Parse(link.GetProperty("linked_at").ToString()));
        Assert.Equal(IdentityLinks.FromIdentify, link.GetProperty("source").GetString());
        Assert.Equal(1, await api.WaitForRowsAsync(Sql.Query($"site_id = {siteId} AND type = 'identify' AND customer_id = 'C42' AND vid = 'v-device-1'"), 1));
    }

    [Fact]
    public async Task No_link_is_made_without_consent_or_from_a_cookieless_visitor()
    {
        var key = await api.CreateSiteAsync("shop.example");
        var siteId = await api.SiteIdAsync(key);
        // One batch, so one frame of links: once the last one is stored, any other would be too.
        var answer = await CollectAsync(api, key,
            Identify("C-no-consent", "v-1", null),
            Identify("C-refused", "v-2", new { analytics = false, marketing = true }),
            Identify("C-cookieless", null, Consented),
            Identify("Z-linked", "v-4", Consented));
        Assert.Equal(4, answer.GetProperty("accepted").GetInt32());

        var link = Assert.Single(await WaitForLinkAsync(api, siteId, "Z-linked"));
        Assert.Equal("v-4", link.GetProperty("visitor_id").GetString());
        Assert.Equal(4, await api.WaitForRowsAsync(Sql.Query($"site_id = {siteId} AND type = 'identify'"), 4)); // the events are stored as before
    }

    [Fact]
    public async Task An_identify_in_an_events_import_links_its_visitor_at_the_events_time()
    {
        var key = await api.CreateSiteAsync("shop.example");
        var siteId = await api.SiteIdAsync(key);
        var ts = Now - 3 * 86_400_000L;
        var body = string.Join('\n',
            JsonSerializer.Serialize(new { type = "pageview", ts, url = "https://shop.example/", vid = "v-old", consent = Consented }),
            JsonSerializer.Serialize(new { type = "identify", ts, url = "https://shop.example/login", vid = "v-old", consent = Consented, customer_id = "C7" }),
            JsonSerializer.Serialize(new { type = "identify", ts, url = "https://shop.example/login", customer_id = "C8", ip = "81.2.69.142", user_agent = "Mozilla/5.0" }));
        var report = await PostAsync(api, $"/api/import/events?site={key}", Text(body, "application/x-ndjson"));
        Assert.Equal(3, report.GetProperty("imported").GetInt64());

        var link = Assert.Single(await WaitForLinkAsync(api, siteId, "C7"));
        Assert.Equal("v-old", link.GetProperty("visitor_id").GetString());
        Assert.Equal(ts / 1000, long.Parse(link.GetProperty("linked_at").ToString()));
    }
}

public sealed class IdentifyLinkTestsEmbedded(EmbeddedApi api) : IdentifyLinkTests(api), IClassFixture<EmbeddedApi>;
public sealed class IdentifyLinkTestsServer(ServerApi api) : IdentifyLinkTests(api), IClassFixture<ServerApi>;
