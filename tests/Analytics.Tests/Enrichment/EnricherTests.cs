using System.Net;
using System.Text.Json;
using Analytics.Enrichment;
using Analytics.Enrichment.Bots;
using Analytics.Enrichment.GeoIp;
using Analytics.Enrichment.UserAgents;
using Analytics.Enrichment.Visitors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

public class EnricherTests(ITestOutputHelper output)
{
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    private static readonly UserAgentAnalyzer UserAgents = new(UserAgentParser.CreateDefault());

    [Fact]
    public void One_call_fills_every_storage_field()
    {
        var db = SharedData.Require("maxmind/GeoIP2-City-Test.mmdb", output);
        using var geo = new GeoIpLookup(db, watch: false);
        var enricher = new Enricher(UserAgents, new BotDetector(DataCentreRanges.None), geo);

        var fields = enricher.Enrich(IPhone, null, IPAddress.Parse("81.2.69.142"),
            "https://shop.example/p/1?utm_source=facebook&utm_medium=paid&utm_campaign=spring&utm_term=shoes&utm_content=a",
            "https://l.facebook.com/", ["shop.example"]);

        Assert.Equal(new EnrichedFields
        {
            Browser = "Mobile Safari", BrowserVersion = "17", Os = "iOS", OsVersion = "17", Device = "mobile",
            DeviceFamily = "iPhone", IsBot = false, Country = "GB", Region = "ENG", City = "London",
            Channel = "paid_social", Source = "Facebook", UtmSource = "facebook", UtmMedium = "paid",
            UtmCampaign = "spring", UtmTerm = "shoes", UtmContent = "a",
        }, fields);
    }

    [Fact]
    public void Without_geo_database_and_inputs_the_fields_are_empty_not_errors()
    {
        using var geo = new GeoIpLookup(null);
        var fields = new Enricher(UserAgents, new BotDetector(DataCentreRanges.None), geo)
            .Enrich(null, null, null, null, null, []);

        Assert.Equal(("", "", ""), (fields.Country, fields.Region, fields.City));
        Assert.Equal(("direct", ""), (fields.Channel, fields.Source));
        Assert.True(fields.IsBot); // no user agent at all: not a browser
        Assert.Equal("bot", fields.Device);
    }

    [Fact]
    public void A_browser_from_a_crawler_network_is_a_bot()
    {
        using var geo = new GeoIpLookup(null);
        var enricher = new Enricher(UserAgents, new BotDetector(DataCentreRanges.Load(null)), geo);

        var fromGoogle = enricher.Enrich(IPhone, null, IPAddress.Parse("66.249.66.1"), "https://shop.example/", null, []);
        var fromHome = enricher.Enrich(IPhone, null, IPAddress.Parse("203.0.113.9"), "https://shop.example/", null, []);

        Assert.Equal((true, "bot"), (fromGoogle.IsBot, fromGoogle.Device));
        Assert.Equal((false, "mobile"), (fromHome.IsBot, fromHome.Device));
    }

    [Fact]
    public void HeadlessChrome_in_the_client_hints_is_a_bot()
    {
        using var geo = new GeoIpLookup(null);
        var enricher = new Enricher(UserAgents, new BotDetector(DataCentreRanges.None), geo);
        var hints = new ClientHints(Brands: "\"Chromium\";v=\"124\", \"HeadlessChrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"");

        var fields = enricher.Enrich(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            hints, null, "https://shop.example/", null, []);

        Assert.True(fields.IsBot);
    }

    [Fact]
    public void Json_uses_the_storage_names()
    {
        var fields = new EnrichedFields
        {
            Browser = "Chrome", BrowserVersion = "124", Os = "Windows", OsVersion = "11", Device = "desktop",
            DeviceFamily = "Other", IsBot = false, Country = "DE", Region = "BE", City = "Berlin", Channel = "direct",
            Source = "", UtmSource = "", UtmMedium = "", UtmCampaign = "", UtmTerm = "", UtmContent = "",
        };
        var json = JsonSerializer.Serialize(fields, EnrichmentJsonContext.Default.EnrichedFields);

        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["browser", "browser_version", "os", "os_version", "device", "device_family", "is_bot", "country",
            "region", "city", "channel", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"], names);
    }

    [Fact]
    public void AddEnrichment_registers_everything_from_configuration()
    {
        var dataDir = Directory.CreateTempSubdirectory("enrich-di-");
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ANALYTICS_DATA_DIR"] = dataDir.FullName,
                ["ANALYTICS_GEOIP_DATABASE"] = "",
                ["Enrichment:UserAgentCacheSize"] = "1000",
                ["Enrichment:WarmUpUserAgentRules"] = "false",
            });
            builder.AddEnrichment();
            using var host = builder.Build();

            var enricher = host.Services.GetRequiredService<Enricher>();
            var hash = host.Services.GetRequiredService<VisitorHash>();
            Assert.Equal("Chrome", enricher.Enrich(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                null, IPAddress.Loopback, "https://a.example/", null, []).Browser);
            Assert.Matches("^[0-9a-f]{16}$", hash.Compute("site", IPAddress.Loopback, "ua"));
            Assert.Single(Directory.GetFiles(Path.Combine(dataDir.FullName, "salts")));
            Assert.False(host.Services.GetRequiredService<GeoIpLookup>().IsConfigured);
        }
        finally
        {
            dataDir.Delete(recursive: true);
        }
    }
}
