using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sites;

/// <summary>
/// Two service instances on one database, as behind a load balancer: a site created, a goal saved or a token revoked
/// through one is in force on the other within the reload interval (1 s here, 10 s by default), with no sticky sessions.
/// </summary>
public abstract class CacheRefreshTests(Engine engine)
{
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    // The interval, the version read and the reload, with room for a test machine running other test classes at once (5.8 s seen).
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    sealed class Node(Engine engine, string database) : ApiFactory(engine, database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Auth:TokenReloadInterval", Interval.ToString()), new("Sites:ReloadInterval", Interval.ToString())];
    }

    [Fact]
    public async Task A_site_and_its_goal_created_on_one_node_work_on_the_other_within_the_interval()
    {
        var database = TestPaths.NewDatabase();
        await using var a = new Node(engine, database);
        a.CreateClient(); // the schema is applied once, before the second node starts
        await using var b = new Node(engine, database);
        b.CreateClient();

        var key = await a.CreateSiteAsync("refresh.example");
        var clock = Stopwatch.StartNew();
        Assert.True(await BecomesAsync(() => CollectAsync(b, key), HttpStatusCode.Accepted), "node B never accepted events of the site created on A");
        Assert.True(clock.Elapsed < Bound, $"node B took {clock.Elapsed} to know the new site");

        var goal = await a.Admin().PostAsJsonAsync($"/api/sites/{key}/goals", new { name = "Thanks", type = "pageview", path = "/thanks" });
        Assert.Equal(HttpStatusCode.Created, goal.StatusCode);
        var goals = await b.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{key}/goals"); // goals are read from storage: at once
        Assert.Equal(["Thanks"], goals.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_token_revoked_on_one_node_is_refused_by_the_other_within_the_interval()
    {
        var database = TestPaths.NewDatabase();
        await using var a = new Node(engine, database);
        a.CreateClient();
        await using var b = new Node(engine, database);
        b.CreateClient();
        var created = await (await a.Admin().PostAsJsonAsync("/api/users", new { name = "m-" + Guid.NewGuid().ToString("N"), role = "marketer" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var token = created.GetProperty("token").GetString()!;

        var clock = Stopwatch.StartNew();
        Assert.True(await BecomesAsync(() => MeAsync(b, token), HttpStatusCode.OK), "node B never accepted the token issued on A");
        Assert.True(clock.Elapsed < Bound, $"node B took {clock.Elapsed} to accept the new token");
        Assert.Equal(HttpStatusCode.NoContent, (await a.Admin().DeleteAsync($"/api/users/tokens/{created.GetProperty("token_id").GetString()}")).StatusCode);
        clock.Restart();
        Assert.True(await BecomesAsync(() => MeAsync(b, token), HttpStatusCode.Unauthorized), "node B still accepts the token revoked on A");
        Assert.True(clock.Elapsed < Bound, $"node B took {clock.Elapsed} to refuse the revoked token");
    }

    static async Task<HttpStatusCode> CollectAsync(ApiFactory node, string key)
    {
        using var response = await node.CreateClient().PostAsync("/api/collect", new StringContent(
            $$"""{"site":"{{key}}","events":[{"type":"pageview","url":"https://refresh.example/"}]}""", Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    static async Task<HttpStatusCode> MeAsync(ApiFactory node, string token)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/me");
        return response.StatusCode;
    }

    static async Task<bool> BecomesAsync(Func<Task<HttpStatusCode>> status, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + 3 * Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (await status() == expected) return true;
            await Task.Delay(50);
        }
        return false;
    }
}

public sealed class CacheRefreshTestsEmbedded() : CacheRefreshTests(Engine.Embedded);
public sealed class CacheRefreshTestsServer() : CacheRefreshTests(Engine.Server);
