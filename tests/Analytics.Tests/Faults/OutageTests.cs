using System.Net;
using System.Text;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Faults;

/// <summary>
/// Server mode: ClickHouse goes away under load and comes back. The service keeps answering 202 from its spool,
/// answers 503 with Retry-After when the spool is full, and afterwards every acknowledged event is stored once.
/// (The embedded engine lives in the service process: its "outage" is the kill -9 of <see cref="KillTests"/>.)
/// </summary>
public sealed class OutageTests
{
    const string Domain = "outage.example";

    [Fact]
    public async Task A_ClickHouse_stop_and_start_during_load_loses_and_duplicates_nothing()
    {
        using var clickHouse = new ClickHouseServer();
        var dataDir = Directory.CreateTempSubdirectory("analytics-outage-").FullName;
        var database = TestPaths.NewDatabase();
        await using var service = new ServiceProcess(dataDir, clickHouse.ConnectionString, new Dictionary<string, string> { ["Storage__Database"] = database });
        await service.StartAsync();
        var site = await service.CreateSiteAsync(Domain);

        var load = new LoadGenerator(service.BaseUrl, site, Domain);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var running = load.RunAsync(senders: 4, maxBatches: 1500, stop.Token);
        await Eventually.UntilAsync(() => load.Acknowledged.Count >= 3000, TimeSpan.FromSeconds(30), "3 000 acknowledged events before the outage");
        clickHouse.Kill();
        var acknowledgedAtOutage = load.Acknowledged.Count;
        await Eventually.UntilAsync(() => load.Acknowledged.Count >= acknowledgedAtOutage + 2000, TimeSpan.FromSeconds(30),
            "2 000 more events acknowledged while ClickHouse was away");
        await Eventually.UntilAsync(async () => await service.SpoolRowsAsync() > 0, TimeSpan.FromSeconds(10),
            "rows waiting in the spool during the outage");
        clickHouse.Start();
        await running;
        await service.WaitForEmptySpoolAsync(TimeSpan.FromSeconds(60));

        var json = await clickHouse.QueryAsync($"SELECT title, count() AS n FROM {database}.events GROUP BY title FORMAT JSONEachRow");
        var stored = json.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("title").GetString()!, r => int.Parse(r.GetProperty("n").ToString()));
        Assert.DoesNotContain(load.Acknowledged, t => !stored.ContainsKey(t));
        Assert.DoesNotContain(stored, kv => kv.Value > 1);
        Assert.Equal(1500 * 20, load.Acknowledged.Count);
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task A_full_spool_answers_503_with_Retry_After_and_keeps_what_it_accepted()
    {
        using var clickHouse = new ClickHouseServer();
        var dataDir = Directory.CreateTempSubdirectory("analytics-spoolfull-").FullName;
        var database = TestPaths.NewDatabase();
        await using var service = new ServiceProcess(dataDir, clickHouse.ConnectionString, new Dictionary<string, string>
        {
            ["Storage__Database"] = database,
            ["Ingestion__SpoolMaxBytes"] = (2 * 1024 * 1024).ToString(),
            ["Ingestion__RetryAfterSeconds"] = "7",
        });
        await service.StartAsync();
        var site = await service.CreateSiteAsync(Domain);
        clickHouse.Kill();

        var title = new string('t', 900);
        var body = "{\"site\":\"" + site + "\",\"events\":[" + string.Join(",", Enumerable.Range(0, 100).Select(i =>
            $"{{\"type\":\"pageview\",\"url\":\"https://{Domain}/{i}\",\"title\":\"{title}\"}}")) + "]}";
        var accepted = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 200 && refused is null; i++)
        {
            var response = await service.Http.PostAsync("/api/collect", new StringContent(body, Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.Accepted) accepted += 100;
            else refused = response;
        }
        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("7", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(accepted > 0);

        clickHouse.Start();
        await service.WaitForEmptySpoolAsync(TimeSpan.FromSeconds(60));
        var count = await clickHouse.QueryAsync($"SELECT count() FROM {database}.events");
        Assert.Equal(accepted, int.Parse(count.Trim()));
        var again = await service.Http.PostAsync("/api/collect", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Directory.Delete(dataDir, recursive: true);
    }
}
