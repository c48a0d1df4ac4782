using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

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
        var marketer = await TokenFor("marketer", name);
        Assert.Equal(HttpStatusCode.OK, (await As(marketer).GetAsync($"/api/sites/{site}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(marketer).GetAsync("/api/sites")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(marketer).PostAsJsonAsync("/api/sites", new { name = "x", domains = new[] { "x.example" } })).StatusCode);
        var me = await As(marketer).GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("marketer", me.GetProperty("role").GetString());

        var officer = await TokenFor("privacy_officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await As(officer).GetAsync($"/api/sites/{site}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As(officer).GetAsync("/api/me")).StatusCode);

        var users = await api.Admin().GetFromJsonAsync<JsonElement>("/api/users");
        var tokenId = users.EnumerateArray().First(u => u.GetProperty("name").GetString() == name).GetProperty("token_id").GetString();
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
}

public sealed class AuthTestsEmbedded(EmbeddedApi api) : AuthTests(api), IClassFixture<EmbeddedApi>;
public sealed class AuthTestsServer(ServerApi api) : AuthTests(api), IClassFixture<ServerApi>;
