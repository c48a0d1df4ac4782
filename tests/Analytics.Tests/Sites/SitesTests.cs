using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sites;

public abstract class SitesTests(ApiFactory api)
{
    [Fact]
    public async Task An_admin_creates_a_site_and_gets_its_key_domains_time_zone_retention_and_snippet()
    {
        var response = await api.Admin().PostAsJsonAsync("/api/sites",
            new { name = "Schuhhaus", domains = new[] { "Schuhe.example", "www.schuhe.example" }, time_zone = "Europe/Berlin", retention_days = 90 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var site = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = site.GetProperty("key").GetString()!;
        Assert.Matches("^[a-z0-9]{16}$", key);
        Assert.Equal(["schuhe.example", "www.schuhe.example"], site.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("Europe/Berlin", site.GetProperty("time_zone").GetString());
        Assert.Equal(90, site.GetProperty("retention_days").GetInt32());
        Assert.Contains($"data-site=\"{key}\"", site.GetProperty("snippet").GetString());

        var listed = await api.Admin().GetFromJsonAsync<JsonElement>("/api/sites");
        Assert.Contains(key, listed.EnumerateArray().Select(s => s.GetProperty("key").GetString()));
        var stored = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"SELECT name, retention_days FROM sites FINAL WHERE key = {key}"));
        Assert.Contains("Schuhhaus", stored);
    }

    [Theory]
    [InlineData("{\"domains\": [\"a.example\"]}", "Name")]
    [InlineData("{\"name\": \"x\", \"domains\": []}", "Domains")]
    [InlineData("{\"name\": \"x\", \"domains\": [\"https://a.example/path\"]}", "Domains[0]")]
    [InlineData("{\"name\": \"x\", \"domains\": [\"a.example\"], \"time_zone\": \"Mars/Olympus\"}", "TimeZone")]
    [InlineData("{\"name\": \"x\", \"domains\": [\"a.example\"], \"retention_days\": 0}", "RetentionDays")]
    public async Task An_invalid_site_is_a_validation_problem_naming_the_field(string body, string field)
    {
        var response = await api.Admin().PostAsync("/api/sites", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_site_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin().GetAsync("/api/sites/nope")).StatusCode);
    }
}

public sealed class SitesTestsEmbedded(EmbeddedApi api) : SitesTests(api), IClassFixture<EmbeddedApi>;
public sealed class SitesTestsServer(ServerApi api) : SitesTests(api), IClassFixture<ServerApi>;
