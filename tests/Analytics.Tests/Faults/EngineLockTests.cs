using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Faults;

/// <summary>ClickHouse locks a data path to one process: a second opener gets a clear message, not a crash.</summary>
public sealed class EngineLockTests
{
    [Fact]
    public async Task Reading_the_embedded_data_while_the_service_runs_is_refused_clearly_and_works_once_it_stopped()
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-lock-").FullName;
        await using var service = new ServiceProcess(dataDir);
        await service.StartAsync();
        var site = await service.CreateSiteAsync("lock.example");

        var (exitCode, _, error) = await service.QueryCliAsync("SELECT count() AS n FROM events");
        Assert.Equal(2, exitCode);
        Assert.Contains("another process", error);

        await using var second = new ServiceProcess(dataDir);
        await second.StartAsync(waitReady: false);
        Assert.NotEqual(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("another", second.Log());

        await service.StopAsync();
        (exitCode, var output, error) = await service.QueryCliAsync("SELECT key FROM sites");
        Assert.True(exitCode == 0, $"query CLI exited with {exitCode}: {error}{output}");
        Assert.Contains(site, output);
        Directory.Delete(dataDir, recursive: true);
    }
}
