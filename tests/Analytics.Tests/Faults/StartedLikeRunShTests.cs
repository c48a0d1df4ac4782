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
