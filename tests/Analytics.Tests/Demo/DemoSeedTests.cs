using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Demo;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Demo;

/// <summary>
/// The demo seed on both engines, small: the demo site's overview, a funnel, the customers and the A/B/C report have
/// something to show, and a second start on the same data seeds nothing.
/// </summary>
public abstract class DemoSeedTests(Engine engine)
{
    sealed class DemoApi(Engine engine, string? database = null, string? dataDir = null) : ApiFactory(engine, database, dataDir)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Sites:CreateDemoSite", "true"), new("Demo:Seed", "true"), new("Demo:Events", "3000"), new("Demo:Customers", "40"),
        ];
    }

    static async Task<DemoSeedResult> SeedOutcomeAsync(ApiFactory api) =>
        await api.Services.GetRequiredService<DemoSeed>().Done.WaitAsync(TimeSpan.FromMinutes(3));

    static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task The_demo_site_gets_reports_customers_and_classes_once_and_a_restart_does_not_seed_again()
    {
        string database, dataDir;
        long stored;
        using (var api = new DemoApi(engine) { DeleteDataOnDispose = false })
        {
            (database, dataDir) = (api.Database, api.DataDir);
            var seeded = await SeedOutcomeAsync(api);
            Assert.True(seeded.Seeded, seeded.Detail);
            Assert.True(seeded.Events >= 3000, $"{seeded}");
            var siteId = await api.SiteIdAsync("demo");
            stored = await api.WaitForRowsAsync(Sql.Query($"site_id = {siteId}"), seeded.Events, TimeSpan.FromSeconds(60));
            Assert.Equal(seeded.Events, stored);

            var admin = api.Admin();
            var range = $"from={DateTime.UtcNow.AddDays(-31):yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}";
            var overview = await ReadAsync(await admin.GetAsync($"/api/reports/overview?site=demo&{range}"));
            Assert.True(overview.GetProperty("visitors").GetInt64() > 0 && overview.GetProperty("pageviews").GetInt64() > 0, overview.ToString());

            var funnel = await ReadAsync(await admin.PostAsJsonAsync("/api/reports/funnel", new
            {
                site = "demo", from = DateTime.UtcNow.AddDays(-31).ToString("yyyy-MM-dd"), to = DateTime.UtcNow.ToString("yyyy-MM-dd"),
                steps = new object[] { new { type = "pageview", path = "/cart" }, new { type = "pageview", path = "/checkout" } },
            }));
            Assert.True(funnel.GetProperty("steps")[0].GetProperty("persons").GetInt64() > 0, funnel.ToString());

            var customers = await ReadAsync(await admin.GetAsync("/api/customers?site=demo"));
            Assert.Equal(40, customers.GetProperty("total").GetInt64());

            var abc = await ReadAsync(await admin.GetAsync($"/api/reports/abc?site=demo&{range}"));
            Assert.True(abc.GetProperty("classes").EnumerateArray().Sum(c => c.GetProperty("customers").GetInt64()) > 0, abc.ToString());
        }

        using var restarted = new DemoApi(engine, database, dataDir);
        var again = await SeedOutcomeAsync(restarted);
        Assert.False(again.Seeded, again.Detail);
        var demoSiteId = await restarted.SiteIdAsync("demo");
        Assert.Equal(stored, await restarted.CountAsync(Sql.Query($"site_id = {demoSiteId}")));
    }
}

public sealed class DemoSeedTestsEmbedded() : DemoSeedTests(Engine.Embedded);
public sealed class DemoSeedTestsServer() : DemoSeedTests(Engine.Server);
