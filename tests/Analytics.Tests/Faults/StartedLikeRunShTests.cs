using System.Net;
using System.Text;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Faults;

/// <summary>
/// ./run.sh starts the service from the repository root. Its settings file (src/Analytics.Api/appsettings.json, copied
/// beside the app) must be in force all the same: there, Microsoft.AspNetCore logs only warnings, so a collect
/// request leaves no "Request starting" line at Information.
/// </summary>
public sealed class StartedLikeRunShTests
{
    [Fact]
    public async Task Started_from_the_repository_root_the_service_reads_the_appsettings_json_beside_it()
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-runsh-").FullName;
        await using var service = new ServiceProcess(dataDir, ClickHouseServer.Shared.ConnectionString,
            new Dictionary<string, string> { ["Storage__Database"] = TestPaths.NewDatabase() })
        {
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        await service.StartAsync();
        var site = await service.CreateSiteAsync("runsh.example");

        var collected = await service.Http.PostAsync("/api/collect", new StringContent(
            $$"""{"site":"{{site}}","events":[{"type":"pageview","url":"https://runsh.example/"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, collected.StatusCode);
        // A line logged after the collect request: once it is in the log, so is everything the request logged.
        var marker = await service.CreateSiteAsync("runsh-marker.example");
        await WaitForLogAsync(service, $"Created site {marker}");

        var log = service.Log();
        var appDirectory = Path.GetDirectoryName(ServiceProcess.AppPath)!;
        Assert.Contains($"Content root path: {appDirectory}", log);
        Assert.DoesNotContain("Request starting", log);
        Assert.DoesNotContain("/api/collect", log);
        Directory.Delete(dataDir, recursive: true);
    }

    [Theory]
    [InlineData(Engine.Embedded)]
    [InlineData(Engine.Server)]
    public async Task Started_like_run_sh_the_service_prints_a_one_time_sign_in_link_for_the_same_stored_admin_each_start(Engine engine)
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-runsh-link-").FullName;
        var settings = new Dictionary<string, string> { ["Storage__Database"] = TestPaths.NewDatabase(), ["Auth__SignInLinkAtStart"] = "true" };
        var ids = new List<string>();
        for (var start = 1; start <= 2; start++)
        {
            await using var service = new ServiceProcess(dataDir, engine == Engine.Server ? ClickHouseServer.Shared.ConnectionString : null, settings);
            await service.StartAsync();
            var links = await WaitForLinesAsync(service, "Sign in:", start);
            var link = new Uri(System.Text.RegularExpressions.Regex.Match(links[^1], @"http://\S+").Value);
            Assert.Equal(service.BaseUrl, link.GetLeftPart(UriPartial.Authority));
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(service.BaseUrl) };
            Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(link.PathAndQuery)).StatusCode);
            var me = System.Text.Json.JsonDocument.Parse(await browser.GetStringAsync("/api/me")).RootElement;
            Assert.Equal("admin", me.GetProperty("role").GetString());
            ids.Add(me.GetProperty("id").GetString()!);
            Assert.Equal(HttpStatusCode.BadRequest, (await new HttpClient { BaseAddress = new Uri(service.BaseUrl) }.GetAsync(link.PathAndQuery)).StatusCode); // once only
            Assert.Equal(0, await service.StopAsync());
        }
        Assert.Equal(ids[0], ids[1]);
        Directory.Delete(dataDir, recursive: true);
    }

    /// <summary>The log's lines holding <paramref name="text"/>, once there are <paramref name="count"/> of them.</summary>
    static async Task<string[]> WaitForLinesAsync(ServiceProcess service, string text, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var lines = service.Log().Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToArray();
            if (lines.Length >= count) return lines;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"'{text}' reached the log {lines.Length} times, not {count}: {service.Log()}");
            await Task.Delay(50);
        }
    }

    internal static async Task WaitForLogAsync(ServiceProcess service, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!service.Log().Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"'{text}' never reached the log: {service.Log()}");
            await Task.Delay(50);
        }
    }
}
