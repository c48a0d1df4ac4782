using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Auth;

/// <summary>Every endpoint but the tracker's needs a token with a role; tokens are created, used and revoked through the API.</summary>
public abstract class AuthTests(ApiFactory api)
{
    HttpClient As(string token)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    async Task<string> TokenFor(string role, string? name = null)
    {
        var response = await api.Admin().PostAsJsonAsync("/api/users", new { name = name ?? $"{role}-{Guid.NewGuid():N}", role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    [Theory]
    [InlineData("GET", "/api/sites")]
    [InlineData("POST", "/api/sites")]
    [InlineData("GET", "/api/sites/demo")]
    [InlineData("GET", "/api/users")]
    [InlineData("GET", "/api/events/recent?site=x")]
    [InlineData("GET", "/metrics")]
    [InlineData("GET", "/api/me")]
    public async Task Endpoints_other_than_the_trackers_refuse_anonymous_and_unknown_tokens(string method, string path)
    {
        var anonymous = await api.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var forged = await As("at_not-a-real-token").SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task Roles_decide_what_a_token_may_do_and_a_revoked_token_stops_working()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var name = "marketer-" + Guid.NewGuid().ToString("N");
        var created = await api.Admin().PostAsJsonAsync("/api/users", new { name, role = "marketer" });
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        var marketer = user.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await api.Admin().PostAsJsonAsync($"/api/sites/{site}/members", new { user_id = user.GetProperty("id").GetString() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(marketer).GetAsync($"/api/sites/{site}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(marketer).GetAsync("/api/sites")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(marketer).PostAsJsonAsync("/api/sites", new { name = "x", domains = new[] { "x.example" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(marketer).GetAsync("/api/users")).StatusCode);
        var me = await As(marketer).GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("marketer", me.GetProperty("role").GetString());

        var officer = await TokenFor("privacy_officer");
        Assert.Equal(HttpStatusCode.NotFound, (await As(officer).GetAsync($"/api/sites/{site}")).StatusCode); // not a member
        Assert.Equal(HttpStatusCode.Forbidden, (await As(officer).GetAsync($"/api/events/recent?site={site}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(officer).GetAsync("/api/me")).StatusCode);

        var users = await api.Admin().GetFromJsonAsync<JsonElement>("/api/users");
        var tokenId = users.EnumerateArray().First(u => u.GetProperty("name").GetString() == name).GetProperty("tokens")[0].GetProperty("token_id").GetString();
        Assert.Equal(user.GetProperty("token_id").GetString(), tokenId);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"/api/users/tokens/{tokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await As(marketer).GetAsync($"/api/sites/{site}")).StatusCode);
    }

    [Fact]
    public async Task A_user_needs_a_known_role_and_tokens_are_stored_only_as_hashes()
    {
        var bad = await api.Admin().PostAsJsonAsync("/api/users", new { name = "x", role = "superuser" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("role", (await bad.Content.ReadAsStringAsync()).ToLowerInvariant());
        var token = await TokenFor("marketer");
        var stored = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"SELECT * FROM api_tokens"));
        Assert.DoesNotContain(token, stored);
        Assert.Contains(Analytics.Auth.TokenStore.Hash(token), stored);
    }

    [Fact]
    public async Task A_metrics_token_reads_metrics_and_nothing_else()
    {
        var metrics = await TokenFor("metrics");
        var scrape = await As(metrics).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("analytics_spool_rows", await scrape.Content.ReadAsStringAsync());
        foreach (var path in new[] { "/api/sites", "/api/users", "/api/me", "/api/info", "/api/events/recent?site=x" })
            Assert.Equal(HttpStatusCode.Forbidden, (await As(metrics).GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Every_endpoint_but_the_named_anonymous_ones_refuses_a_request_without_a_token()
    {
        var anonymous = new SortedSet<string>(StringComparer.Ordinal);
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText!;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
                {
                    anonymous.Add($"{method} {pattern}");
                    continue;
                }
                var path = Regex.Replace(pattern, @"\{[^}]+\}", "x");
                var response = await api.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {pattern} answered {(int)response.StatusCode} without a token");
            }
        }
        var expected = new SortedSet<string>(StringComparer.Ordinal)
        {
            "GET /healthz", "GET /readyz", "GET /t.js", "POST /api/collect", "OPTIONS /api/collect", "POST /api/consent", "OPTIONS /api/consent",
            "POST /api/auth/signin", "POST /api/auth/invitations/accept", "GET /auth/link", // signing in, rate-limited per address
            "GET /", "GET /assets/{**file}", "GET /{**route}", // the dashboard app (its data comes from /api); no /api path among them
        };
        if (File.Exists(Path.Combine(TestPaths.RepositoryRoot, "tracker-js", "dist", "t.js")))
            expected.UnionWith(["GET /t-banner.js", "GET /demo", "GET /demo/{**file}"]);
        Assert.Equal(expected, anonymous);
        // A path nothing answers is refused too, rather than telling an anonymous caller what exists.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/api/not-an-endpoint")).StatusCode);
    }

    [Fact]
    public async Task Valid_tokens_never_get_401_while_the_cache_reloads()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 40; i++) tokens.Add(await TokenFor("marketer"));
        var store = api.Services.GetRequiredService<Analytics.Auth.TokenStore>();
        using var reloading = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var clients = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; !reloading.IsCancellationRequested; i++)
                statuses.Add((await As(tokens[i % tokens.Count]).GetAsync("/api/me")).StatusCode);
        })).ToList();
        for (var reload = 0; reload < 150; reload++) await store.LoadAsync(CancellationToken.None);
        await reloading.CancelAsync();
        await Task.WhenAll(clients);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }
}

public sealed class AuthTestsEmbedded(EmbeddedApi api) : AuthTests(api), IClassFixture<EmbeddedApi>;
public sealed class AuthTestsServer(ServerApi api) : AuthTests(api), IClassFixture<ServerApi>;
