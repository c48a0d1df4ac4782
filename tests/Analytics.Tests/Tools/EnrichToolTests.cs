using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Enrichment;
using Analytics.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Analytics.Tests.Tools;

/// <summary>The service with MaxMind's test City database (TestData/maxmind).</summary>
public class GeoApiFactory(Engine engine) : ApiFactory(engine)
{
    public const string GeoDatabase = "maxmind/GeoIP2-City-Test.mmdb";
    public static readonly string DatabasePath = SharedData.Find(GeoDatabase);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("ANALYTICS_GEOIP_DATABASE", DatabasePath)];
}

public sealed class GeoEmbeddedApi() : GeoApiFactory(Engine.Embedded);
public sealed class GeoServerApi() : GeoApiFactory(Engine.Server);

/// <summary>POST /api/tools/enrich answers what the pipeline would store, under the storage names.</summary>
public abstract class EnrichToolTests(GeoApiFactory api, ITestOutputHelper output)
{
    const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

    static readonly string[] StorageNames =
    [
        "browser", "browser_version", "os", "os_version", "device", "device_family", "is_bot", "country", "region", "city",
        "channel", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
    ];

    async Task<HttpResponseMessage> EnrichAsync(object body) =>
        await api.Admin().PostAsJsonAsync("/api/tools/enrich", body);

    [Fact]
    public async Task A_known_user_agent_and_address_give_every_storage_field()
    {
        var response = await EnrichAsync(new
        {
            user_agent = IPhone, ip = "81.2.69.142",
            url = "https://shop.example/p/1?utm_source=facebook&utm_medium=paid&utm_campaign=spring&utm_term=shoes&utm_content=a",
            referrer = "https://l.facebook.com/",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(StorageNames.Order(), answer.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Mobile Safari", answer.GetProperty("browser").GetString());
        Assert.Equal("17", answer.GetProperty("browser_version").GetString());
        Assert.Equal("iOS", answer.GetProperty("os").GetString());
        Assert.Equal("17", answer.GetProperty("os_version").GetString());
        Assert.Equal("mobile", answer.GetProperty("device").GetString());
        Assert.Equal("iPhone", answer.GetProperty("device_family").GetString());
        Assert.False(answer.GetProperty("is_bot").GetBoolean());
        Assert.Equal("paid_social", answer.GetProperty("channel").GetString());
        Assert.Equal("Facebook", answer.GetProperty("source").GetString());
        Assert.Equal(["facebook", "paid", "spring", "shoes", "a"],
            new[] { "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content" }.Select(n => answer.GetProperty(n).GetString()));

        Assert.Equal("GB", answer.GetProperty("country").GetString());
        Assert.Equal("ENG", answer.GetProperty("region").GetString());
        Assert.Equal("London", answer.GetProperty("city").GetString());
        output.WriteLine("geo assertions ran against " + GeoApiFactory.DatabasePath);
    }

    [Fact]
    public async Task With_a_site_its_domains_make_a_referrer_internal_and_a_bot_is_a_bot()
    {
        var key = await api.CreateSiteAsync("shop.example");
        var answer = await (await EnrichAsync(new
        {
            user_agent = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ip = "10.0.0.1",
            url = "https://www.shop.example/p/2", referrer = "https://shop.example/p/1", site = key,
        })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("internal", answer.GetProperty("channel").GetString());
        Assert.True(answer.GetProperty("is_bot").GetBoolean());
        Assert.Equal("bot", answer.GetProperty("device").GetString());
        Assert.Equal("", answer.GetProperty("country").GetString()); // a private address has no place
    }

    [Theory]
    [InlineData("{\"ip\": \"300.1.2.3\"}", "ip")]
    [InlineData("{\"ip\": 5}", "ip")]
    [InlineData("{\"url\": \"ftp://shop.example/\"}", "url")]
    [InlineData("{\"referrer\": \"not a url\"}", "referrer")]
    [InlineData("{\"user_agent\": ", "body")]
    [InlineData("null", "body")]
    public async Task Invalid_input_is_a_400_problem_naming_the_field(string body, string field)
    {
        var response = await api.Admin().PostAsync("/api/tools/enrich", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Only_an_admin_may_use_it()
    {
        var response = await api.CreateClient().PostAsJsonAsync("/api/tools/enrich", new { user_agent = IPhone });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class EnrichToolTestsEmbedded(GeoEmbeddedApi api, ITestOutputHelper output) : EnrichToolTests(api, output), IClassFixture<GeoEmbeddedApi>;
public sealed class EnrichToolTestsServer(GeoServerApi api, ITestOutputHelper output) : EnrichToolTests(api, output), IClassFixture<GeoServerApi>;
