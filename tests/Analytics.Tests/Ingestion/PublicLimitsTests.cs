using System.Net;
using System.Net.Sockets;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Ingestion;

/// <summary>The service with a tight rate limit on its public endpoints: one request a second per client.</summary>
public sealed class TightLimitsApi() : ApiFactory(Engine.Embedded)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Ingestion:RateLimitPerSecond", "1"),
        new("Ingestion:RateLimitBurst", "1"),
    ];
}

/// <summary>The concurrency limit and the per-client rate limit of /api/collect through HTTP (no storage involved: one engine).</summary>
public sealed class PublicLimitsTests(TightLimitsApi api) : IClassFixture<TightLimitsApi>
{
    static HttpRequestMessage Collect(HttpContent body, string ip)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/collect") { Content = body };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Test-Remote-Ip", ip);
        return request;
    }

    static StringContent Pageview(string site) =>
        new(JsonSerializer.Serialize(new { site, events = new[] { new { type = "pageview", url = "https://shop.example/" } } }), Encoding.UTF8, "application/json");

    /// <summary>A started service (real Kestrel: the test server would not let a request hold its body back).</summary>
    [Fact]
    public async Task Past_the_concurrency_limit_collect_answers_503_with_Retry_After()
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-busy-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["Storage__Database"] = TestPaths.NewDatabase(), ["Ingestion__MaxConcurrentRequests"] = "1",
            // The slow client below must not be cut off by the body limits while a busy machine runs the test.
            ["Ingestion__MinBodyBytesPerSecond"] = "1", ["Ingestion__BodyRateGraceSeconds"] = "600", ["Ingestion__BodyTimeoutSeconds"] = "600",
        };
        await using var service = new ServiceProcess(dataDir, null, settings);
        await service.StartAsync();
        var site = await service.CreateSiteAsync("shop.example");
        Assert.Equal(HttpStatusCode.Accepted, (await service.Http.PostAsync("/api/collect", Pageview(site))).StatusCode); // warm

        // A slow client: the headers and the start of a body whose rest never comes, holding the one permit.
        var head = $"POST /api/collect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"site\":\"{site}\",\"events\":[";
        async Task<TcpClient> SlowClientAsync()
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, service.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
            return client;
        }
        var slow = await SlowClientAsync();

        // Until the slow request holds the permit, others get through; then they are refused. A slow request that
        // arrived while one of ours held the permit was itself refused (an answer waits on its socket): send it again.
        HttpResponseMessage? refused = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (refused is null && DateTime.UtcNow < deadline)
        {
            if (slow.Available > 0)
            {
                slow.Dispose();
                slow = await SlowClientAsync();
            }
            var response = await service.Http.PostAsync("/api/collect", Pageview(site));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) refused = response;
            else Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        Assert.NotNull(refused);
        Assert.Equal("2", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        slow.Dispose(); // the permit comes back with the connection
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpStatusCode status;
        do status = (await service.Http.PostAsync("/api/collect", Pageview(site))).StatusCode;
        while (status != HttpStatusCode.Accepted && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Accepted, status);
    }

    [Fact]
    public async Task Addresses_of_one_IPv6_64_share_one_rate_limit()
    {
        var site = await api.CreateSiteAsync("shop.example");
        var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Collect(Pageview(site), "10.0.0.2"))).StatusCode); // warm
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 8; i++)
            statuses.Add((await client.SendAsync(Collect(Pageview(site), $"2001:db8:7:7:{i:x}::{i:x}"))).StatusCode);
        // One token a second and a burst of one: eight addresses of one /64 in quick succession are one client.
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Collect(Pageview(site), "2001:db8:7:8::1"))).StatusCode);
    }
}
