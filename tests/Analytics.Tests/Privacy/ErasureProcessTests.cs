using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Privacy;

/// <summary>
/// Erasure with the service as a real process: killed during an erasure, it resumes the request at the next start
/// (both engines); and rows of the subject still in a spool when the erasure runs never reach storage (server mode).
/// </summary>
public abstract class ErasureProcessTests(Engine engine)
{
    const string Domain = "erasure.example";

    static Task<HttpResponseMessage> CollectAsync(ServiceProcess service, string key, string vid, int count) =>
        service.Http.PostAsync("/api/collect", new StringContent(JsonSerializer.Serialize(new
        {
            site = key,
            events = Enumerable.Range(0, count).Select(i => new { type = "pageview", url = $"https://{Domain}/{vid}/{i}", vid, consent = new { analytics = true } }),
        }), Encoding.UTF8, "application/json"));

    static async Task<JsonElement> RequestAsync(ServiceProcess service, object body)
    {
        var response = await service.Http.PostAsJsonAsync("/api/privacy/requests", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return await DoneAsync(service, id);
    }

    static async Task<JsonElement> DoneAsync(ServiceProcess service, string id)
    {
        JsonElement last = default;
        await Eventually.UntilAsync(async () =>
        {
            last = await service.Http.GetFromJsonAsync<JsonElement>($"/api/privacy/requests/{id}");
            return last.GetProperty("status").GetString() is "completed" or "failed";
        }, TimeSpan.FromSeconds(120), $"request {id} done: {service.Log()}");
        return last;
    }

    /// <summary>Rows found per table by an access request for one id (the request's own ids left out).</summary>
    static async Task<Dictionary<string, long>> FoundAsync(ServiceProcess service, string key, string field, string id)
    {
        var done = await RequestAsync(service, new Dictionary<string, string> { ["type"] = "access", ["site"] = key, [field] = id });
        return PrivacySubjects.Tables(done).Where(t => t.Key != "privacy_request_subjects").ToDictionary(t => t.Key, t => t.Value.GetProperty("found").GetInt64());
    }

    [Fact]
    public async Task An_erasure_interrupted_by_kill_9_resumes_at_the_next_start_and_completes()
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-erasure-kill-").FullName;
        var clickHouse = engine == Engine.Server ? TestCluster.ConnectionString : null;
        await using var service = new ServiceProcess(dataDir, clickHouse, new Dictionary<string, string>
        {
            ["Storage__Database"] = TestPaths.NewDatabase(),
            ["Privacy__Requests__StepDelay"] = "00:00:00.700", // the erasure takes seconds: time to kill it in the middle
        });
        await service.StartAsync();
        var key = await service.CreateSiteAsync(Domain);
        foreach (var (vid, count) in new[] { ("ann-phone", 3), ("ann-laptop", 2), ("bob-phone", 2) })
            Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(service, key, vid, count)).StatusCode);
        var consent = JsonSerializer.Serialize(new { site = key, vid = "ann-phone", purposes = new { analytics = true, marketing = false }, source = "banner" });
        Assert.Equal(HttpStatusCode.Created, (await service.Http.PostAsync("/api/consent", new StringContent(consent, Encoding.UTF8, "application/json"))).StatusCode);
        var customers = JsonSerializer.Serialize(new[] { new { customer_id = "C-ann", email = "ann@example.com", visitor_ids = new[] { "ann-phone", "ann-laptop" } } });
        Assert.True((await service.Http.PostAsync($"/api/crm/customers?site={key}", new StringContent(customers, Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
        var orders = JsonSerializer.Serialize(new[] { new { order_id = "O-ann", customer_id = "C-ann", ts = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(), revenue = 10.0, currency = "EUR" } });
        Assert.True((await service.Http.PostAsync($"/api/crm/orders?site={key}", new StringContent(orders, Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
        var expected = new Dictionary<string, long> { ["events"] = 5, ["identity_links"] = 2, ["consents"] = 1, ["orders"] = 1, ["customers"] = 1 };
        Dictionary<string, long> found = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(60); !expected.All(e => found.GetValueOrDefault(e.Key) == e.Value);)
        {
            Assert.True(DateTime.UtcNow < deadline, "Ann's rows not stored: " + string.Join(", ", found.Select(f => $"{f.Key} {f.Value}")));
            found = await FoundAsync(service, key, "customer_id", "C-ann"); // each an access request: no pause needed between them
        }

        var created = await service.Http.PostAsJsonAsync("/api/privacy/requests", new { type = "erasure", site = key, customer_id = "C-ann" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await Eventually.UntilAsync(async () =>
        {
            var state = await service.Http.GetFromJsonAsync<JsonElement>($"/api/privacy/requests/{id}");
            return state.GetProperty("status").GetString() == "running" && state.GetProperty("tables").GetArrayLength() > 0;
        }, TimeSpan.FromSeconds(60), "the erasure running, its counts taken");
        service.Kill9();

        await service.StartAsync();
        var done = await DoneAsync(service, id);
        Assert.True(done.GetProperty("status").GetString() == "completed", done.ToString());
        Assert.Equal(5, PrivacySubjects.Tables(done)["events"].GetProperty("found").GetInt64());
        Assert.All(PrivacySubjects.Tables(done).Values, t => Assert.Equal(0, t.GetProperty("remaining").GetInt64()));
        Assert.Contains("Privacy request " + id + " (erasure) completed", service.Log());
        foreach (var (field, subject) in new[] { ("customer_id", "C-ann"), ("visitor_id", "ann-phone"), ("visitor_id", "ann-laptop") })
            Assert.All(await FoundAsync(service, key, field, subject), t => Assert.True(t.Value == 0, $"{subject}: {t.Key} {t.Value}"));
        Assert.Equal(2, (await FoundAsync(service, key, "visitor_id", "bob-phone"))["events"]);
        Assert.Equal(0, await service.StopAsync());
        Directory.Delete(dataDir, recursive: true);
    }
}

/// <summary>
/// Server mode, two nodes on one database: node A spools the subject's events while ClickHouse is away and stops with them
/// in its spool; node B erases the subject; A starts again and replays its spool: the subject's rows are dropped, the others stored.
/// </summary>
public sealed class SpooledErasureTests
{
    const string Domain = "spooled-erasure.example";

    [Fact]
    public async Task Rows_of_an_erased_subject_waiting_in_a_spool_never_reach_storage()
    {
        using var clickHouse = new ClickHouseServer();
        var database = TestPaths.NewDatabase();
        // The nodes of one installation share the audit key: tombstones, like audit entries, are its pseudonyms.
        var settings = new Dictionary<string, string> { ["Storage__Database"] = database, ["Privacy__AuditKey"] = "spooled-erasure-test-key-0123456789abcdef" };
        var (dirA, dirB) = (Directory.CreateTempSubdirectory("analytics-tombstone-a-").FullName, Directory.CreateTempSubdirectory("analytics-tombstone-b-").FullName);
        await using var nodeA = new ServiceProcess(dirA, clickHouse.ConnectionString, settings);
        await using var nodeB = new ServiceProcess(dirB, clickHouse.ConnectionString, settings);
        await nodeA.StartAsync();
        var key = await nodeA.CreateSiteAsync(Domain);
        clickHouse.Kill();

        foreach (var (vid, count) in new[] { ("ann-phone", 3), ("bob-phone", 2) })
        {
            var body = JsonSerializer.Serialize(new
            {
                site = key,
                events = Enumerable.Range(0, count).Select(i => new { type = "pageview", url = $"https://{Domain}/{vid}/{i}", vid, consent = new { analytics = true } }),
            });
            Assert.Equal(HttpStatusCode.Accepted, (await nodeA.Http.PostAsync("/api/collect", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);
        }
        Assert.Equal(5, await nodeA.SpoolRowsAsync());
        nodeA.Kill9(); // the rows stay in A's spool

        clickHouse.Start();
        await nodeB.StartAsync();
        var erasure = await nodeB.Http.PostAsJsonAsync("/api/privacy/requests", new { type = "erasure", site = key, visitor_id = "ann-phone" });
        Assert.Equal(HttpStatusCode.Accepted, erasure.StatusCode);
        var id = (await erasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await Eventually.UntilAsync(async () =>
            (await nodeB.Http.GetFromJsonAsync<JsonElement>($"/api/privacy/requests/{id}")).GetProperty("status").GetString() == "completed",
            TimeSpan.FromSeconds(60), $"the erasure completed: {nodeB.Log()}");

        await nodeA.StartAsync();
        await nodeA.WaitForEmptySpoolAsync(TimeSpan.FromSeconds(60));
        async Task<int> CountAsync(string vid) => int.Parse((await clickHouse.QueryAsync($"SELECT count() FROM {database}.events WHERE vid = '{vid}'")).Trim());
        Assert.Equal(2, await CountAsync("bob-phone"));
        Assert.True(await CountAsync("ann-phone") == 0, nodeA.Log());
        await Eventually.UntilAsync(() => nodeA.Log().Contains("Dropped 3 events rows of erased subjects"), TimeSpan.FromSeconds(10), "the drop in A's log");
        Directory.Delete(dirA, recursive: true);
        Directory.Delete(dirB, recursive: true);
    }
}

public sealed class ErasureProcessTestsEmbedded() : ErasureProcessTests(Engine.Embedded);
public sealed class ErasureProcessTestsServer() : ErasureProcessTests(Engine.Server);
