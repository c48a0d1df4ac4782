using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Faults;

/// <summary>
/// During an outage, no statement text with values reaches the logs: a log line never holds a visitor id, an IP, a
/// user agent or a token. A real service against a ClickHouse server that is stopped under it.
/// </summary>
public sealed class LogHygieneTests
{
    const string Domain = "hygiene.example";
    const string VisitorId = "vid-Hygiene7c1f9e";
    const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64) HygieneAgent/7.3.1f";
    const string ClientIp = "203.0.113.77";
    const string IpNetwork = "203.0.113."; // the /24 that consent proofs keep
    const string Token = "at_hygienetoken0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task During_an_outage_no_visitor_id_IP_user_agent_or_token_reaches_the_log()
    {
        using var clickHouse = new ClickHouseServer();
        var dataDir = Directory.CreateTempSubdirectory("analytics-hygiene-").FullName;
        await using var service = new ServiceProcess(dataDir, clickHouse.ConnectionString, new Dictionary<string, string>
        {
            ["Storage__Database"] = TestPaths.NewDatabase(),
            ["ANALYTICS_TRUSTED_PROXIES"] = "127.0.0.1", // the test is the proxy: the client address is ClientIp
        });
        await service.StartAsync();
        var site = await service.CreateSiteAsync(Domain);
        clickHouse.Kill();

        using var visitor = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        visitor.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        visitor.DefaultRequestHeaders.Add("X-Forwarded-For", ClientIp);
        var collect = await visitor.PostAsync("/api/collect", Json($$$"""
            {"site":"{{{site}}}","events":[{"type":"pageview","url":"https://{{{Domain}}}/?v={{{VisitorId}}}","vid":"{{{VisitorId}}}","consent":{"analytics":true,"marketing":false}}]}
            """));
        Assert.Equal(HttpStatusCode.Accepted, collect.StatusCode);
        var consent = await visitor.PostAsync("/api/consent", Json($$"""
            {"site":"{{site}}","vid":"{{VisitorId}}","purposes":{"analytics":true,"marketing":false},"source":"banner"}
            """));
        Assert.NotEqual(HttpStatusCode.InternalServerError, consent.StatusCode);
        using var stranger = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        stranger.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        var tokenCheck = await stranger.GetAsync("/api/sites");
        Assert.NotEqual(HttpStatusCode.OK, tokenCheck.StatusCode);

        // The writer has tried the events at least twice (a plain insert, then the duplicate check): their failures are logged.
        await StartedLikeRunShTests.WaitForLogAsync(service, "(attempt 2)");

        var log = service.Log();
        Assert.DoesNotContain(VisitorId, log);
        Assert.DoesNotContain("HygieneAgent", log);
        Assert.DoesNotContain(IpNetwork, log);
        Assert.DoesNotContain(Token, log);
        Assert.DoesNotContain("hygienetoken", log);
        Directory.Delete(dataDir, recursive: true);
    }

    static StringContent Json(string json) => new(json.Trim(), Encoding.UTF8, "application/json");
}
