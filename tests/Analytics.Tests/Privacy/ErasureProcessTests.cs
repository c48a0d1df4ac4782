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
        var clickHouse = engine == Engine.Server ? ClickHouseServer.Shared.ConnectionString : null;
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

public sealed class ErasureProcessTestsEmbedded() : ErasureProcessTests(Engine.Embedded);
public sealed class ErasureProcessTestsServer() : ErasureProcessTests(Engine.Server);
