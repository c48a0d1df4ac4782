using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Dashboard;

/// <summary>The dashboard at /: hashed assets cached for a year, index.html revalidated, client routes answered with it, /api untouched.</summary>
public sealed class DashboardAppTests : IClassFixture<DashboardAppTests.BuiltDashboardApi>
{
    /// <summary>A dashboard "build" of its own (Dashboard:Directory), so the test does not depend on npm having run.</summary>
    public sealed class BuiltDashboardApi() : ApiFactory(Engine.Embedded)
    {
        public string Dist { get; } = MakeDist();

        static string MakeDist()
        {
            var dist = Directory.CreateTempSubdirectory("analytics-dashboard-").FullName;
            Directory.CreateDirectory(Path.Combine(dist, "assets"));
            File.WriteAllText(Path.Combine(dist, "index.html"), "<!doctype html><title>Dashboard fixture</title><script type=module src=/assets/index-abc123.js></script>");
            File.WriteAllText(Path.Combine(dist, "assets", "index-abc123.js"), "console.log('app')");
            File.WriteAllText(Path.Combine(dist, "assets", "index-def456.css"), "body{}");
            return dist;
        }

        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Dashboard:Directory", Dist)];
    }

    /// <summary>A service whose dashboard was never built.</summary>
    public sealed class UnbuiltDashboardApi() : ApiFactory(Engine.Embedded)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Dashboard:Directory", Path.Combine(Path.GetTempPath(), "analytics-no-dashboard-" + Guid.NewGuid().ToString("N")))];
    }

    readonly BuiltDashboardApi api;
    public DashboardAppTests(BuiltDashboardApi api) => this.api = api;

    [Fact]
    public async Task Hashed_assets_are_immutable_for_a_year_and_index_html_is_revalidated()
    {
        var client = api.CreateClient();
        var script = await client.GetAsync("/assets/index-abc123.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", script.Headers.CacheControl!.ToString());
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        var css = await client.GetAsync("/assets/index-def456.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);

        var index = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("no-cache", index.Headers.CacheControl!.ToString());
        Assert.Equal("text/html", index.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Dashboard fixture", await index.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/assets/missing-000.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/assets/..%2Findex.html")).StatusCode);
    }

    [Theory]
    [InlineData("/overview")]
    [InlineData("/overview?site=demo&from=2026-03-01&to=2026-03-31&filter=country:is:DE")]
    [InlineData("/signin")]
    [InlineData("/invite")]
    [InlineData("/some/deeper/view")]
    public async Task Client_routes_answer_index_html_without_signing_in(string path)
    {
        var response = await api.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Contains("Dashboard fixture", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/not-an-endpoint")]
    [InlineData("/api")]
    [InlineData("/missing.js")]
    [InlineData("/some/file.png")]
    public async Task Api_paths_and_files_nothing_serves_stay_refused(string path)
    {
        // The deny-by-default policy answers them, as before the app was served: no index.html for a wrong /api call.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_api_still_answers_beside_the_app()
    {
        var sites = await api.Admin().GetAsync("/api/sites");
        Assert.Equal(HttpStatusCode.OK, sites.StatusCode);
        Assert.Equal("application/json", sites.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Without_a_build_the_app_answers_a_problem_that_says_how_to_build_it()
    {
        await using var unbuilt = new UnbuiltDashboardApi();
        foreach (var path in new[] { "/", "/overview", "/assets/index-abc123.js" })
        {
            var response = await unbuilt.CreateClient().GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Dashboard not built", problem.GetProperty("title").GetString());
            Assert.Contains("npm run build", problem.GetProperty("detail").GetString());
        }
    }
}
