using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sites;

/// <summary>
/// The dashboard's session cookie across nodes: with <c>Auth__KeysDirectory</c> shared, a session made on one node
/// works on another; without it, it does not (the stickiness docs/operations.md tells how to avoid). Service processes
/// on the server engine: the key directory is read at start from the environment, as in production.
/// </summary>
public sealed class SharedCookieKeysTests
{
    [Fact]
    public async Task A_dashboard_session_made_on_one_node_works_on_another_that_shares_the_keys_directory_only()
    {
        var shared = Directory.CreateTempSubdirectory("analytics-keys-").FullName;
        var database = TestPaths.NewDatabase();
        var server = ClickHouseServer.Shared.ConnectionString;
        var withKeys = new Dictionary<string, string> { ["Storage__Database"] = database, ["Auth__KeysDirectory"] = shared };
        await using var a = new ServiceProcess(Directory.CreateTempSubdirectory("analytics-node-a-").FullName, server, withKeys);
        await a.StartAsync();
        await using var b = new ServiceProcess(Directory.CreateTempSubdirectory("analytics-node-b-").FullName, server, withKeys);
        await using var own = new ServiceProcess(Directory.CreateTempSubdirectory("analytics-node-c-").FullName, server,
            new Dictionary<string, string> { ["Storage__Database"] = database });
        await b.StartAsync(); // one at a time: three starts at once on a loaded 2-core machine can pass the 60 s readiness wait
        await own.StartAsync();

        var user = await (await a.Http.PostAsJsonAsync("/api/users", new { name = "m-" + Guid.NewGuid().ToString("N"), role = "marketer" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var userId = user.GetProperty("id").GetString()!;
        var invited = await (await a.Http.PostAsJsonAsync($"/api/users/{userId}/invitation", new { login = $"m-{Guid.NewGuid():N}@shop.example" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var anonymous = new HttpClient { BaseAddress = new Uri(a.BaseUrl) };
        var accepted = await anonymous.PostAsJsonAsync("/api/auth/invitations/accept",
            new { token = invited.GetProperty("token").GetString(), password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var cookie = accepted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("an_session=", StringComparison.Ordinal)).Split(';')[0];

        Assert.Equal(HttpStatusCode.OK, await MeAsync(a, cookie));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(b, cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(own, cookie)); // its own keys: the cookie means nothing there
        Directory.Delete(shared, recursive: true);
    }

    static async Task<HttpStatusCode> MeAsync(ServiceProcess node, string cookie)
    {
        using var http = new HttpClient { BaseAddress = new Uri(node.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
