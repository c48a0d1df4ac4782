using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Analytics.Tests.Observability;

public abstract class ObservabilityTests(ApiFactory api)
{
    [Fact]
    public async Task Health_readiness_and_metrics_tell_the_engine_and_the_counts()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync("/healthz")).StatusCode);
        var ready = await api.CreateClient().GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal(api.Engine.ToString().ToLowerInvariant(), ready.GetProperty("engine").GetString());
        Assert.True(ready.GetProperty("schema").GetBoolean());

        var site = await api.CreateSiteAsync("shop.example");
        var body = JsonSerializer.Serialize(new { site, events = new object[] { new { type = "pageview", url = "https://shop.example/" }, new { type = "bogus" } } });
        await api.CreateClient().PostAsync("/api/collect", new StringContent(body, Encoding.UTF8, "application/json"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string metrics;
        do
        {
            metrics = await api.Admin().GetStringAsync("/metrics");
            if (Value(metrics, "analytics_events_written_total") >= 1) break;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);
        Assert.True(Value(metrics, "analytics_events_accepted_total") >= 1);
        Assert.True(Value(metrics, "analytics_events_rejected_total") >= 1);
        Assert.True(Value(metrics, "analytics_events_written_total") >= 1);
        Assert.Contains("analytics_spool_rows", metrics);
        Assert.Contains("analytics_insert_batch_seconds_bucket", metrics);
        Assert.Contains($"analytics_engine_info{{engine=\"{api.Engine.ToString().ToLowerInvariant()}\"}} 1", metrics);
    }

    static double Value(string metrics, string name) =>
        metrics.Split('\n').Where(l => l.StartsWith(name + " ")).Select(l => double.Parse(l[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
}

public sealed class ObservabilityTestsEmbedded(EmbeddedApi api) : ObservabilityTests(api), IClassFixture<EmbeddedApi>;
public sealed class ObservabilityTestsServer(ServerApi api) : ObservabilityTests(api), IClassFixture<ServerApi>;

/// <summary>A client over its rate gets 429 with Retry-After, as problem+json; other clients are not affected.</summary>
public sealed class RateLimitTests : IClassFixture<RateLimitTests.LimitedApi>
{
    public sealed class LimitedApi() : ApiFactory(Engine.Embedded)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Ingestion:RateLimitPerSecond", "1"), new("Ingestion:RateLimitBurst", "3")];
    }

    readonly LimitedApi api;
    public RateLimitTests(LimitedApi api) => this.api = api;

    [Fact]
    public async Task A_client_over_its_rate_gets_429_with_Retry_After()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var body = JsonSerializer.Serialize(new { site, events = new[] { new { type = "pageview", url = "https://shop.example/" } } });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10; i++)
        {
            var response = await api.CreateClient().PostAsync("/api/collect", new StringContent(body, Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response;
        }
        Assert.Equal(HttpStatusCode.Accepted, statuses[0]);
        Assert.NotNull(limited);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>The free default GeoIP database (DB-IP Lite, fetched by run.sh/test.sh) resolves countries and is attributed.</summary>
public sealed class DbIpDefaultTests(ITestOutputHelper output)
{
    sealed class DbIpApi(string path) : ApiFactory(Engine.Embedded)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("ANALYTICS_GEOIP_DATABASE", path)];
    }

    /// <summary>The DB-IP database through the project's own install step (a no-op when it is in the cache), so the test never skips.</summary>
    static async Task<string> FetchDbIpAsync()
    {
        var info = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(TestPaths.RepositoryRoot, "scripts", "fetch-geoip.sh"));
        using var fetch = System.Diagnostics.Process.Start(info)!;
        var stdout = fetch.StandardOutput.ReadToEndAsync();
        var error = fetch.StandardError.ReadToEndAsync();
        await fetch.WaitForExitAsync();
        var path = (await stdout).Trim();
        Assert.True(fetch.ExitCode == 0 && File.Exists(path), $"scripts/fetch-geoip.sh gave no database (exit {fetch.ExitCode}): {await error}");
        return path;
    }

    [Fact]
    public async Task The_DB_IP_country_database_is_read_and_its_attribution_is_reported()
    {
        var path = await FetchDbIpAsync();
        output.WriteLine($"DB-IP database: {path}");
        await using var api = new DbIpApi(path);
        var info = await api.Admin().GetFromJsonAsync<JsonElement>("/api/info");
        Assert.True(info.GetProperty("geoip").GetProperty("configured").GetBoolean());
        Assert.Contains("DB-IP", info.GetProperty("geoip").GetProperty("attribution").GetString());
        Assert.Equal("https://db-ip.com", info.GetProperty("geoip").GetProperty("attribution_url").GetString());

        var enricher = api.Services.GetRequiredService<Analytics.Enrichment.Enricher>();
        var fields = enricher.Enrich("Mozilla/5.0", null, IPAddress.Parse("81.2.69.142"), "https://shop.example/", null, ["shop.example"]);
        Assert.Equal("GB", fields.Country);
    }
}
