using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Ingestion;

/// <summary>/api/collect as DESIGN.md fixes it, through real HTTP into a real engine: each test runs on both engines.</summary>
public abstract class CollectTests(ApiFactory api)
{
    static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected static object Pageview(string marker, string host = "shop.example") => new
    {
        type = "pageview", ts = Now, url = $"https://{host}/p/{marker}", title = marker, referrer = "https://www.google.com/",
        screen = "1920x1080", lang = "de-DE",
    };

    protected static HttpContent Body(object value, string contentType = "application/json") =>
        new StringContent(JsonSerializer.Serialize(value), Encoding.UTF8, contentType);

    async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_valid_batch_is_accepted_and_stored_with_its_fields()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var events = new object[]
        {
            new { type = "pageview", ts = Now - 1000, url = $"https://shop.example/p/1?utm_source=x", referrer = "https://www.google.com/", title = marker,
                  vid = "v-123", sid = "s-456", consent = new { analytics = true, marketing = false }, props = new { k = "v", n = 3 },
                  screen = "1920x1080", lang = "de-DE" },
            new { type = "purchase", url = "https://shop.example/checkout", title = marker, order_id = "o-1", revenue = 99.5, currency = "EUR",
                  items = new[] { new { sku = "A", qty = 2 } } },
        };
        var response = await api.CreateClient().PostAsync("/api/collect", Body(new { site, events }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
        Assert.Equal(0, answer.GetProperty("rejected").GetArrayLength());

        Assert.Equal(2, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 2));
        var json = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"""
            SELECT type, path, hostname, referrer, vid, sid, consent_analytics, props_keys, props_values, screen, lang, order_id, revenue, currency, origin
            FROM events WHERE title = {marker} ORDER BY type
            """));
        var rows = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var pageview = rows.Single(r => r.GetProperty("type").GetString() == "pageview");
        Assert.Equal("/p/1", pageview.GetProperty("path").GetString());
        Assert.Equal("shop.example", pageview.GetProperty("hostname").GetString());
        Assert.Equal("v-123", pageview.GetProperty("vid").GetString());
        Assert.Equal("s-456", pageview.GetProperty("sid").GetString());
        Assert.Equal(["k", "n"], pageview.GetProperty("props_keys").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["v", "3"], pageview.GetProperty("props_values").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("collect", pageview.GetProperty("origin").GetString());
        var purchase = rows.Single(r => r.GetProperty("type").GetString() == "purchase");
        Assert.Equal(99.5, purchase.GetProperty("revenue").GetDouble());
        Assert.Equal("EUR", purchase.GetProperty("currency").GetString());
        Assert.Equal("o-1", purchase.GetProperty("order_id").GetString());
        Assert.Equal("", purchase.GetProperty("vid").GetString()); // no consent, no visitor id
        Assert.Contains("items", purchase.GetProperty("props_keys").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Valid_events_of_a_batch_are_kept_when_a_neighbour_is_invalid()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var events = new object[]
        {
            Pageview(marker),
            new { type = "teleport", url = "https://shop.example/" },
            new { type = "pageview", ts = "yesterday", url = "https://shop.example/" },
            Pageview(marker),
            new { type = "purchase", url = "https://shop.example/", order_id = "o", revenue = -1, currency = "euro" },
            "not an object",
            new { type = "custom", url = "https://shop.example/", title = marker, name = "signup" },
        };
        var response = await api.CreateClient().PostAsync("/api/collect", Body(new { site, events }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, answer.GetProperty("accepted").GetInt32());
        var rejected = answer.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32());
        Assert.Equal([1, 2, 4, 5], rejected.Keys.Order());
        Assert.Equal("type", rejected[1].GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal("ts", rejected[2].GetProperty("errors")[0].GetProperty("field").GetString());
        var purchaseFields = rejected[4].GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("revenue", purchaseFields);
        Assert.Contains("currency", purchaseFields);
        Assert.Equal(3, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 3));
    }

    [Fact]
    public async Task A_wholly_invalid_batch_is_answered_with_every_rejection_and_stores_nothing()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var response = await api.CreateClient().PostAsync("/api/collect", Body(new { site, events = new object[] { new { type = "pageview" }, new { url = "https://shop.example/" } } }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, answer.GetProperty("accepted").GetInt32());
        Assert.Equal("url", answer.GetProperty("rejected")[0].GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal("type", answer.GetProperty("rejected")[1].GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Text_plain_is_accepted_as_sendBeacon_sends_it()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var response = await api.CreateClient().PostAsync("/api/collect", Body(new { site, events = new[] { Pageview(marker) } }, "text/plain"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 1));
    }

    [Fact]
    public async Task An_unknown_site_key_is_forbidden()
    {
        var response = await api.CreateClient().PostAsync("/api/collect", Body(new { site = "no-such-site", events = new[] { Pageview("x") } }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Equal("site", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_foreign_origin_is_forbidden_and_the_site_origin_and_its_subdomains_get_CORS()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var client = api.CreateClient();
        var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/collect") { Content = Body(new { site, events = new[] { Pageview("x") } }) };
        foreign.Headers.Add("Origin", "https://evil.example");
        var refused = await client.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("origin", (await ProblemOf(refused)).GetProperty("errors")[0].GetProperty("field").GetString());

        var lookalike = new HttpRequestMessage(HttpMethod.Post, "/api/collect") { Content = Body(new { site, events = new[] { Pageview("x") } }) };
        lookalike.Headers.Add("Origin", "https://evilshop.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(lookalike)).StatusCode);

        var own = new HttpRequestMessage(HttpMethod.Post, "/api/collect") { Content = Body(new { site, events = new[] { Pageview("x") } }) };
        own.Headers.Add("Origin", "https://www.shop.example");
        var accepted = await client.SendAsync(own);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("https://www.shop.example", accepted.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/collect");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }

    [Fact]
    public async Task An_oversized_body_or_batch_is_refused_with_413()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var client = api.CreateClient();
        var huge = new { site, events = new[] { new { type = "pageview", url = "https://shop.example/", title = new string('x', 300_000) } } };
        var tooLarge = await client.PostAsync("/api/collect", Body(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("body", (await ProblemOf(tooLarge)).GetProperty("errors")[0].GetProperty("field").GetString());

        var many = new { site, events = Enumerable.Range(0, 501).Select(_ => new { type = "pageview", url = "https://shop.example/" }).ToArray() };
        var tooMany = await client.PostAsync("/api/collect", Body(many));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Equal("events", (await ProblemOf(tooMany)).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Another_content_type_is_refused_with_415()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var response = await api.CreateClient().PostAsync("/api/collect",
            new StringContent($"site={site}", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await ProblemOf(response);
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("[]", "body")]
    [InlineData("{\"events\": []}", "site")]
    [InlineData("{\"site\": 42, \"events\": []}", "site")]
    [InlineData("{\"site\": \"x\", \"events\": {}}", "events")]
    [InlineData("", "body")]
    public async Task A_malformed_body_is_a_400_that_says_what_is_wrong(string body, string field)
    {
        var response = await api.CreateClient().PostAsync("/api/collect", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await ProblemOf(response)).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Hostile_input_never_gets_a_500()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var bodies = new[]
        {
            "{\"site\":\"" + site + "\",\"events\":[" + string.Join(",", Enumerable.Repeat("[", 40)) + "]}",
            "{\"site\":\"" + site + "\",\"events\":[{\"type\":\"pageview\",\"url\":\"https://shop.example/\",\"ts\":1e400}]}",
            "{\"site\":\"" + site + "\",\"events\":[{\"type\":\"pageview\",\"url\":\"https://shop.example/\",\"ts\":-5,\"revenue\":\"NaN\"}]}",
            "{\"site\":\"" + site + "\",\"events\":[{\"type\":\"purchase\",\"url\":\"https://shop.example/\",\"order_id\":{},\"revenue\":1e308,\"currency\":\"EUR\"}]}",
            "{\"site\":\"" + site + "\",\"events\":[{\"type\":\"pageview\",\"url\":\"javascript:alert(1)\"}]}",
            "{\"site\":\"" + site + "\",\"events\":[{\"type\":\"pageview\",\"url\":\"https://shop.example/\",\"props\":{\"a\":{\"b\":[1,2,{\"c\":null}]}}}]}",
            "{\"site\":\"" + site + "\",\"events\":[{\"type\":\"pageview\",\"url\":\"https://shop.example/\\u0000\\ud800\",\"title\":\"\\udfff\"}]}",
            "{\"site\":\"\\u0000\",\"events\":[]}",
            "{\"site\":\"\\ud800\",\"events\":[]}",
            "{\"site\":\"" + site + "\",\"events\":[{\"\\ud800\":1,\"type\":\"pageview\"},{\"type\":\"pageview\",\"url\":\"https://shop.example/\",\"props\":{\"\\udc00\":\"x\"},\"consent\":{\"\\ud800\":true}}]}",
            "\uFEFF{\"site\":\"" + site + "\",\"events\":[]}",
            "null", "\"string\"", "12", "{\"site\":\"" + site + "\",\"events\":[null,true,1,\"x\",[]]}",
        };
        var client = api.CreateClient();
        foreach (var body in bodies)
        {
            var response = await client.PostAsync("/api/collect", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {body[..Math.Min(body.Length, 80)]}");
        }
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 2000)];
            random.NextBytes(bytes);
            var response = await client.PostAsync("/api/collect", new ByteArrayContent(bytes) { Headers = { { "Content-Type", "text/plain" } } });
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for random bytes #{i}");
        }
    }

    [Fact]
    public async Task Without_analytics_consent_no_identifier_is_stored_and_times_are_clamped()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var future = Now + 86_400_000;
        var events = new object[]
        {
            new { type = "pageview", url = "https://shop.example/", title = marker, vid = "v-1", sid = "s-1", ts = future,
                  consent = new { analytics = false, marketing = false } },
            new { type = "identify", url = "https://shop.example/", title = marker, customer_id = "c-1", ts = 1000 },
        };
        var before = Now;
        var response = await api.CreateClient().PostAsync("/api/collect", Body(new { site, events }));
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        Assert.Equal(2, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 2));
        Assert.Equal(0, await api.CountAsync(Analytics.Storage.Sql.Query($"title = {marker} AND (vid != '' OR sid != '' OR customer_id != '')")));
        Assert.Equal(2, await api.CountAsync(Analytics.Storage.Sql.Query($"title = {marker} AND ts_ms >= {before} AND ts_ms <= {Now}")));
    }

    [Fact]
    public async Task Without_consent_the_visitor_is_a_salted_hash_of_address_and_browser_never_the_address()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var sent = 0;
        var start = Now - 10_000;
        async Task Send(string ip, string userAgent, object consent, string? vid = null)
        {
            var ts = start + sent++; // distinct times, so the rows can be read back in sending order
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/collect")
            {
                Content = Body(new { site, events = new[] { new { type = "pageview", ts, url = "https://shop.example/", title = marker, vid, consent } } }),
            };
            request.Headers.Add("X-Test-Remote-Ip", ip);
            request.Headers.UserAgent.ParseAdd(userAgent);
            Assert.Equal(HttpStatusCode.Accepted, (await api.CreateClient().SendAsync(request)).StatusCode);
        }
        var none = new { analytics = false, marketing = false };
        await Send("81.2.69.142", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", none);
        await Send("81.2.69.142", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", none);
        await Send("81.2.69.143", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", none);
        await Send("81.2.69.142", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", new { analytics = true, marketing = false }, "own-id");
        Assert.Equal(4, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 4));
        var json = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"SELECT vid FROM events WHERE title = {marker} ORDER BY ts_ms"));
        var vids = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("vid").GetString()!).ToList();
        Assert.Equal(vids[0], vids[1]);
        Assert.NotEqual(vids[0], vids[2]);
        Assert.Equal("own-id", vids[3]);
        Assert.All(vids.Take(3), v => Assert.Matches("^[0-9a-f]{16}$", v));
        var everything = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"SELECT * FROM events WHERE title = {marker}"));
        Assert.DoesNotContain("81.2.69", everything);
    }

    [Fact]
    public async Task Rows_written_in_one_run_are_there_after_a_restart()
    {
        var marker = Guid.NewGuid().ToString("N");
        string site, database, dataDir;
        await using (var first = new ApiFactory(api.Engine) { DeleteDataOnDispose = false })
        {
            (site, database, dataDir) = (await first.CreateSiteAsync("shop.example"), first.Database, first.DataDir);
            await first.CreateClient().PostAsync("/api/collect", Body(new { site, events = new[] { Pageview(marker), Pageview(marker) } }));
            Assert.Equal(2, await first.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 2));
        }
        await using var second = new ApiFactory(api.Engine, database, dataDir);
        Assert.Equal(2, await second.CountAsync(Analytics.Storage.Sql.Query($"title = {marker}")));
        var again = await second.CreateClient().PostAsync("/api/collect", Body(new { site, events = new[] { Pageview(marker) } }));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode); // the site is known after the restart
        Assert.Equal(3, await second.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 3));
    }
}

public sealed class CollectTestsEmbedded(EmbeddedApi api) : CollectTests(api), IClassFixture<EmbeddedApi>;
public sealed class CollectTestsServer(ServerApi api) : CollectTests(api), IClassFixture<ServerApi>;
