using System.Net;
using System.Text;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sites;

/// <summary>
/// Two nodes behind one address, each with its own data directory (its own spool), sharing the daily salts
/// (<c>Enrichment:SaltsDirectory</c>, docs/operations.md): a cookieless visitor is then one visitor whichever node
/// takes their requests, with no sticky sessions. (The cookie keys: <see cref="SharedCookieKeysTests"/>.)
/// </summary>
public abstract class SharedNodeStateTests(Engine engine)
{
    sealed class Node(Engine engine, string database, string shared) : ApiFactory(engine, database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Enrichment:SaltsDirectory", Path.Combine(shared, "salts")),
            new("Sites:ReloadInterval", "00:00:01"),
        ];
    }

    [Fact]
    public async Task A_visitor_without_consent_is_one_visitor_whichever_node_takes_their_pageviews()
    {
        var (a, b, shared) = await StartAsync();
        await using var _ = a;
        await using var __ = b;
        var key = await a.CreateSiteAsync("nodes.example");
        var siteId = await a.SiteIdAsync(key);
        await Eventually.UntilAsync(async () => await CollectAsync(b, key, "/b") == HttpStatusCode.Accepted, TimeSpan.FromSeconds(15), "node B knows the site");
        Assert.Equal(HttpStatusCode.Accepted, await CollectAsync(a, key, "/a"));

        Assert.True(await a.WaitForRowsAsync(Sql.Query($"site_id = {siteId}"), 2) >= 2);
        var visitors = await a.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT uniqExact(vid) AS n FROM events WHERE site_id = {siteId}"), StorageJson.Default.CountRow);
        Assert.Equal(1, visitors!.N);
        Directory.Delete(shared, recursive: true);
    }

    async Task<(ApiFactory A, ApiFactory B, string Shared)> StartAsync()
    {
        var database = TestPaths.NewDatabase();
        var shared = Directory.CreateTempSubdirectory("analytics-shared-").FullName;
        var a = new Node(engine, database, shared);
        a.CreateClient(); // the schema is applied once, before the second node starts
        var b = new Node(engine, database, shared);
        b.CreateClient();
        return (a, b, shared);
    }

    /// <summary>A pageview without a visitor id or consent, from one address and browser: the node derives the visitor hash.</summary>
    static async Task<HttpStatusCode> CollectAsync(ApiFactory node, string key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/collect")
        {
            Content = new StringContent($$"""{"site":"{{key}}","events":[{"type":"pageview","url":"https://nodes.example{{path}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Test-Remote-Ip", "203.0.113.7");
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        using var response = await node.CreateClient().SendAsync(request);
        return response.StatusCode;
    }
}

public sealed class SharedNodeStateTestsEmbedded() : SharedNodeStateTests(Engine.Embedded);
public sealed class SharedNodeStateTestsServer() : SharedNodeStateTests(Engine.Server);
