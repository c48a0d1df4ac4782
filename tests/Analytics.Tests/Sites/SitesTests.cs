using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task A_sites_query_params_are_validated_stored_listed_snapshotted_and_reloaded()
    {
        var response = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Params", domains = new[] { "params.example" }, query_params = new[] { "id", " page ", "ID" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        static List<string?> Params(JsonElement site) => site.GetProperty("query_params").EnumerateArray().Select(p => p.GetString()).ToList();

        Assert.Equal(["id", "page"], Params(await api.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{key}")));
        var listed = await api.Admin().GetFromJsonAsync<JsonElement>("/api/sites");
        Assert.Equal(["id", "page"], Params(listed.EnumerateArray().Single(s => s.GetProperty("key").GetString() == key)));
        var stored = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"SELECT query_params FROM sites FINAL WHERE key = {key}"));
        Assert.Equal(["id", "page"], Params(JsonDocument.Parse(stored).RootElement));
        var snapshot = JsonDocument.Parse(File.ReadAllText(Path.Combine(api.DataDir, "sites.json"))).RootElement;
        Assert.Contains(snapshot.EnumerateArray(), s => s.GetProperty("Key").GetString() == key && s.GetProperty("QueryParams").EnumerateArray().Select(p => p.GetString()).SequenceEqual(["id", "page"]));

        var store = api.Services.GetRequiredService<Analytics.Sites.SiteStore>();
        await store.LoadAsync(CancellationToken.None);
        Assert.Equal(["id", "page"], store.FindByKey(key)!.QueryParams);
    }

    [Fact]
    public async Task An_admin_changes_a_sites_name_domains_time_zone_retention_and_query_params_and_the_change_is_stored()
    {
        var created = await (await api.Admin().PostAsJsonAsync("/api/sites",
            new { name = "Before", domains = new[] { "before.example" }, retention_days = 395, query_params = new[] { "id" }, identify_secret = "0123456789abcdef0123" })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;

        var response = await api.Admin().PutAsJsonAsync($"/api/sites/{key}",
            new { name = "After", domains = new[] { "After.example", "www.after.example" }, time_zone = "Europe/Berlin", retention_days = 30, query_params = new[] { "variant" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var site = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{key}");
        Assert.Equal("After", site.GetProperty("name").GetString());
        Assert.Equal(["after.example", "www.after.example"], site.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("Europe/Berlin", site.GetProperty("time_zone").GetString());
        Assert.Equal(30, site.GetProperty("retention_days").GetInt32());
        Assert.Equal(["variant"], site.GetProperty("query_params").EnumerateArray().Select(d => d.GetString()));
        Assert.True(site.GetProperty("identify_signed").GetBoolean()); // the secret stays
        Assert.Equal(created.GetProperty("id").GetString(), site.GetProperty("id").GetString());

        // Stored as the latest version of the row, and so after a reload from ClickHouse.
        var store = api.Services.GetRequiredService<Analytics.Sites.SiteStore>();
        await store.LoadAsync(CancellationToken.None);
        var reloaded = store.FindByKey(key)!;
        Assert.Equal(("After", "Europe/Berlin", 30), (reloaded.Name, reloaded.TimeZone, reloaded.RetentionDays));
        Assert.Equal("0123456789abcdef0123", reloaded.IdentifySecret);

        // Left out, the time zone, retention and query parameters stay; a bad value names its field; the secret has its own endpoint.
        Assert.Equal(HttpStatusCode.OK, (await api.Admin().PutAsJsonAsync($"/api/sites/{key}", new { name = "Again", domains = new[] { "after.example" } })).StatusCode);
        site = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{key}");
        Assert.Equal((30, "Europe/Berlin"), (site.GetProperty("retention_days").GetInt32(), site.GetProperty("time_zone").GetString()));
        var bad = await api.Admin().PutAsJsonAsync($"/api/sites/{key}", new { name = "x", domains = new[] { "after.example" }, retention_days = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("RetentionDays", out _));
        var secret = await api.Admin().PutAsJsonAsync($"/api/sites/{key}", new { name = "x", domains = new[] { "after.example" }, identify_secret = "0123456789abcdef0123" });
        Assert.Equal(HttpStatusCode.BadRequest, secret.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin().PutAsJsonAsync("/api/sites/nosuchsite", new { name = "x", domains = new[] { "a.example" } })).StatusCode);
    }

    [Theory]
    [InlineData("[\"token\"]")]
    [InlineData("[\"user_email\"]")]
    [InlineData("[\"a b\"]")]
    [InlineData("[\"\"]")]
    [InlineData("[\"id=3\"]")]
    public async Task A_query_param_that_looks_like_a_secret_or_is_no_name_is_a_validation_problem(string queryParams)
    {
        var body = $"{{\"name\": \"x\", \"domains\": [\"a.example\"], \"query_params\": {queryParams}}}";
        var response = await api.Admin().PostAsync("/api/sites", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("QueryParams[0]", out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_site_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin().GetAsync("/api/sites/nope")).StatusCode);
    }
}

public sealed class SitesTestsEmbedded(EmbeddedApi api) : SitesTests(api), IClassFixture<EmbeddedApi>;
public sealed class SitesTestsServer(ServerApi api) : SitesTests(api), IClassFixture<ServerApi>;
