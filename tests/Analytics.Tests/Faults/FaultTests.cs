using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Faults;

/// <summary>
/// The promise of a 202: an acknowledged event reaches ClickHouse exactly once, whatever happens between the
/// answer and the disk. The service runs as a real process; it is killed with SIGKILL in the middle of a load.
/// </summary>
public abstract class KillTests(Engine engine)
{
    const string Domain = "load.example";

    [Fact]
    public async Task Acknowledged_events_survive_kill_9_during_load_and_are_stored_once()
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-kill-").FullName;
        var clickHouse = engine == Engine.Server ? ClickHouseServer.Shared.ConnectionString : null;
        var settings = new Dictionary<string, string> { ["Storage__Database"] = TestPaths.NewDatabase() };
        await using var service = new ServiceProcess(dataDir, clickHouse, settings);
        await service.StartAsync();
        var site = await service.CreateSiteAsync(Domain);

        var load = new LoadGenerator(service.BaseUrl, site, Domain);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var running = load.RunAsync(senders: 4, maxBatches: 100_000, stop.Token);
        await Eventually.UntilAsync(() => load.Acknowledged.Count >= 4000, TimeSpan.FromSeconds(20), "4 000 acknowledged events before the kill");
        service.Kill9(); // mid-load: requests in flight, rows in the spool, a batch perhaps half inserted
        stop.Cancel(); // requests in flight at the kill fail and are not acknowledged, so not promised
        await running;

        await service.StartAsync();
        await service.WaitForEmptySpoolAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await service.StopAsync()); // a clean end, not chDB's teardown crash (NativeExit)

        var stored = await StoredTitlesAsync(service, clickHouse is not null, settings["Storage__Database"]);
        var missing = load.Acknowledged.Where(t => !stored.ContainsKey(t)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {load.Acknowledged.Count} acknowledged events lost, e.g. {string.Join(", ", missing.Take(5))}");
        var duplicated = stored.Where(kv => kv.Value > 1).ToList();
        Assert.True(duplicated.Count == 0, $"{duplicated.Count} events stored twice, e.g. {string.Join(", ", duplicated.Take(5).Select(d => d.Key))}");
        Directory.Delete(dataDir, recursive: true);
    }

    /// <summary>title → number of rows, read without the service: the CLI for the embedded engine, HTTP for the server.</summary>
    internal static async Task<Dictionary<string, int>> StoredTitlesAsync(ServiceProcess service, bool server, string database)
    {
        const string sql = "SELECT title, count() AS n FROM events GROUP BY title";
        string json;
        if (server)
            json = await ClickHouseServer.Shared.QueryAsync($"SELECT title, count() AS n FROM {database}.events GROUP BY title FORMAT JSONEachRow");
        else
        {
            var (exitCode, output, error) = await service.QueryCliAsync(sql);
            Assert.True(exitCode == 0, $"query CLI exited with {exitCode}: {error}{output}");
            json = output;
        }
        return json.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("title").GetString()!, r => int.Parse(r.GetProperty("n").ToString()));
    }
}

public sealed class KillTestsEmbedded() : KillTests(Engine.Embedded);
public sealed class KillTestsServer() : KillTests(Engine.Server);
