using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Consent;

public abstract class ConsentTests(ApiFactory api)
{
    [Fact]
    public async Task A_decision_is_stored_as_proof_with_a_truncated_address()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var vid = "v" + Guid.NewGuid().ToString("N")[..20];
        var body = JsonSerializer.Serialize(new { site, vid, purposes = new { analytics = true, marketing = false }, policy_version = "2026-01", source = "banner" });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/consent") { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        request.Headers.Add("Origin", "https://shop.example");
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
        var response = await api.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("https://shop.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        Assert.Equal(1, await WaitForConsentsAsync(vid, 1));
        var json = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query(
            $"SELECT analytics, marketing, policy_version, source, user_agent, ip_truncated FROM consents WHERE vid = {vid}"));
        var row = JsonDocument.Parse(json).RootElement;
        Assert.Equal(1, row.GetProperty("analytics").GetInt32());
        Assert.Equal(0, row.GetProperty("marketing").GetInt32());
        Assert.Equal("2026-01", row.GetProperty("policy_version").GetString());
        Assert.Equal("banner", row.GetProperty("source").GetString());
        Assert.Contains("Firefox", row.GetProperty("user_agent").GetString());
    }

    [Fact]
    public async Task Proofs_posted_together_are_spooled_and_stored_exactly_once()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var vid = "v" + Guid.NewGuid().ToString("N")[..20];
        var client = api.CreateClient();
        var body = JsonSerializer.Serialize(new { site, vid, purposes = new { analytics = true, marketing = true }, source = "api" });
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            client.PostAsync("/api/consent", new StringContent(body, Encoding.UTF8, "application/json"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()));

        Assert.Equal(40, await WaitForConsentsAsync(vid, 40));
        var json = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query(
            $"SELECT toString(consent_id) AS id FROM consents WHERE vid = {vid}"));
        var stored = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Order(), stored.Order());
    }

    /// <summary>Proofs are written by the consent writer after the 201: waits until <paramref name="expected"/> are stored.</summary>
    async Task<long> WaitForConsentsAsync(string vid, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long count;
        do
        {
            var json = await api.ClickHouse.QueryJsonEachRowAsync(Analytics.Storage.Sql.Query($"SELECT count() AS n FROM consents WHERE vid = {vid}"));
            count = long.Parse(JsonDocument.Parse(json).RootElement.GetProperty("n").ToString());
            if (count >= expected) return count;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);
        return count;
    }

    [Theory]
    [InlineData("{\"purposes\": {\"analytics\": true}}", "site")]
    [InlineData("{\"site\": \"SITE\"}", "purposes")]
    [InlineData("{\"site\": \"SITE\", \"purposes\": {}, \"source\": \"telepathy\"}", "source")]
    [InlineData("{\"site\": \"SITE\", \"purposes\": {\"analytics\": \"yes\"}}", "body")]
    [InlineData("not json", "body")]
    public async Task A_bad_record_is_a_400_naming_the_field(string body, string field)
    {
        var site = await api.CreateSiteAsync("shop.example");
        var response = await api.CreateClient().PostAsync("/api/consent", new StringContent(body.Replace("SITE", site), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public void Addresses_are_truncated_to_their_network()
    {
        Assert.Equal("81.2.69.0", Analytics.Consent.ConsentApi.Truncate(IPAddress.Parse("81.2.69.142")));
        Assert.Equal("2001:db8:85a3::", Analytics.Consent.ConsentApi.Truncate(IPAddress.Parse("2001:db8:85a3:8d3:1319:8a2e:370:7348")));
        Assert.Equal("10.1.2.0", Analytics.Consent.ConsentApi.Truncate(IPAddress.Parse("::ffff:10.1.2.3")));
    }
}

public sealed class ConsentTestsEmbedded(EmbeddedApi api) : ConsentTests(api), IClassFixture<EmbeddedApi>;
public sealed class ConsentTestsServer(ServerApi api) : ConsentTests(api), IClassFixture<ServerApi>;
