using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Enrichment.UserAgents;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Ingestion;

/// <summary>Clients that try to cost the service its CPU, memory or whole batches: real HTTP, both engines.</summary>
public abstract class HostileClientTests(ApiFactory api)
{
    static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    static object Pageview(string marker) => new { type = "pageview", ts = Now, url = "https://shop.example/p/1", title = marker };

    static HttpRequestMessage Collect(string json, string? userAgent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/collect") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (userAgent is not null) request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return request;
    }

    static async Task<JsonElement> Answer(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task The_user_agent_is_analysed_once_a_request_not_once_an_event()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var userAgent = "Mozilla/5.0 (X11; Linux x86_64) " + marker + string.Concat(Enumerable.Repeat(" Token/1.0", 110));
        var body = JsonSerializer.Serialize(new { site, events = Enumerable.Range(0, 500).Select(_ => Pageview(marker)) });
        var analyzer = api.Services.GetRequiredService<UserAgentAnalyzer>();

        var before = analyzer.Analyses;
        var response = await api.CreateClient().SendAsync(Collect(body, userAgent));
        var analyses = analyzer.Analyses - before;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(500, (await Answer(response)).GetProperty("accepted").GetInt32());
        Assert.Equal(1, analyses);
    }

    [Fact]
    public async Task A_user_agent_that_times_out_the_bot_pattern_still_gives_a_row()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var body = JsonSerializer.Serialize(new { site, events = new[] { Pageview(marker) } });
        var response = await api.CreateClient().SendAsync(Collect(body, new string('a', 30_000)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 1));
    }

    [Fact]
    public async Task Props_nested_too_deep_reject_their_event_alone()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 20)) + "1" + new string('}', 20);
        var pageview = JsonSerializer.Serialize(Pageview(marker));
        var body = $$"""{"site":"{{site}}","events":[{{pageview}},{"type":"pageview","url":"https://shop.example/","title":"{{marker}}","props":{{deep}}},{{pageview}}]}""";
        var response = await api.CreateClient().SendAsync(Collect(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await Answer(response);
        Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(answer.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal("props", rejected.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(2, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"title = {marker}"), 2));
    }

    [Theory]
    [InlineData("\"revenue\":\"NaN\"", "revenue")]
    [InlineData("\"revenue\":\"Infinity\"", "revenue")]
    [InlineData("\"revenue\":\"-Infinity\"", "revenue")]
    [InlineData("\"revenue\":1e400", "revenue")]
    [InlineData("\"revenue\":\"1e400\"", "revenue")]
    [InlineData("\"order_id\":\"LONG\"", "order_id")]
    [InlineData("\"customer_id\":\"LONG\"", "customer_id")]
    [InlineData("\"currency\":\"LONG\"", "currency")]
    public async Task Bad_commerce_fields_on_any_type_reject_their_event_naming_the_field(string field, string name)
    {
        var site = await api.CreateSiteAsync("shop.example");
        var marker = Guid.NewGuid().ToString("N");
        var bad = field.Replace("LONG", new string('x', 201));
        var pageview = JsonSerializer.Serialize(Pageview(marker));
        var body = $$"""{"site":"{{site}}","events":[{"type":"pageview","url":"https://shop.example/","title":"{{marker}}",{{bad}}},{{pageview}}]}""";
        var response = await api.CreateClient().SendAsync(Collect(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await Answer(response);
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(answer.GetProperty("rejected").EnumerateArray());
        Assert.Equal(0, rejected.GetProperty("index").GetInt32());
        Assert.Equal(name, rejected.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_enrich_tool_refuses_a_1_MB_body_with_413()
    {
        var body = JsonSerializer.Serialize(new { user_agent = new string('a', 1024 * 1024), url = "https://shop.example/" });
        var response = await api.Admin().PostAsync("/api/tools/enrich", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("body", (await Answer(response)).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_enrich_tool_answers_a_long_pathological_user_agent()
    {
        var body = JsonSerializer.Serialize(new { user_agent = new string('a', 60_000), url = "https://shop.example/" });
        var response = await api.Admin().PostAsync("/api/tools/enrich", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_import_survives_user_agents_that_time_out_the_bot_pattern()
    {
        var key = await Import.ImportClient.CreateSiteAsync(api, "shop.example");
        var siteId = await api.SiteIdAsync(key);
        var ts = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        var line = JsonSerializer.Serialize(new { type = "pageview", ts, url = "https://shop.example/p", ip = "81.2.69.142", user_agent = new string('a', 100_000) });
        var report = await Import.ImportClient.PostAsync(api, $"/api/import/events?site={key}", Import.ImportClient.Text(line + "\n" + line + "\n", "application/x-ndjson"));
        Assert.Equal(2, report.GetProperty("imported").GetInt64());
        Assert.Equal(2, await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {siteId}"), 2));
    }
}

public sealed class HostileClientTestsEmbedded(EmbeddedApi api) : HostileClientTests(api), IClassFixture<EmbeddedApi>;
public sealed class HostileClientTestsServer(ServerApi api) : HostileClientTests(api), IClassFixture<ServerApi>;
