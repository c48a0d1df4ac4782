using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Analytics.Tests.Faults;

/// <summary>
/// A full disk under the spool: collect, consent and the importers answer 503 with Retry-After in problem+json,
/// never a 500. The disk is a small tmpfs the test mounts, filled by the service's own appends.
/// </summary>
public sealed class DiskErrorTests
{
    [Fact]
    public async Task A_full_disk_answers_503_with_Retry_After_on_collect_consent_and_import()
    {
        using var api = new OfflineApi(new Dictionary<string, string?> { ["Ingestion:RetryAfterSeconds"] = "11" }, tmpfsBytes: 512 * 1024);
        var client = api.CreateClient();
        var title = new string('t', 900);
        var body = "{\"site\":\"" + OfflineApi.SiteKey + "\",\"events\":[" + string.Join(",", Enumerable.Range(0, 100).Select(i =>
            $"{{\"type\":\"pageview\",\"url\":\"https://{OfflineApi.Domain}/{i}\",\"title\":\"{title}\"}}")) + "]}";

        await AssertUnavailableAsync(await PostUntilRefusedAsync(client, body));

        // The failed append left pages of the segment allocated past its end: small frames still fit there, then not.
        api.FillDisk();
        await AssertUnavailableAsync(await PostUntilRefusedAsync(client,
            $$"""{"site":"{{OfflineApi.SiteKey}}","events":[{"type":"pageview","url":"https://{{OfflineApi.Domain}}/small"}]}"""));
        await AssertUnavailableAsync(await client.PostAsync("/api/consent", new StringContent(
            $$"""{"site":"{{OfflineApi.SiteKey}}","vid":"v1","purposes":{"analytics":true,"marketing":false},"source":"banner"}""", Encoding.UTF8, "application/json")));

        var lines = string.Join("\n", Enumerable.Range(0, 1000).Select(i =>
            $$"""{"type":"pageview","url":"https://{{OfflineApi.Domain}}/import/{{i}}","title":"{{title}}","ts":{{DateTimeOffset.UtcNow.AddMinutes(-i).ToUnixTimeMilliseconds()}}}"""));
        var import = new StringContent(lines, Encoding.UTF8);
        import.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        await AssertUnavailableAsync(await api.Admin().PostAsync($"/api/import/events?site={OfflineApi.SiteKey}", import));
    }

    static async Task<HttpResponseMessage> PostUntilRefusedAsync(HttpClient client, string body)
    {
        for (var i = 0; i < 2000; i++)
        {
            var response = await client.PostAsync("/api/collect", new StringContent(body, Encoding.UTF8, "application/json"));
            if (response.StatusCode != HttpStatusCode.Accepted) return response;
        }
        throw new InvalidOperationException("2000 requests were all accepted: the disk never filled up");
    }

    static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {text}");
        Assert.Equal("11", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
