using System.Net;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Faults;

/// <summary>Server mode: a consent proof accepted while ClickHouse is away waits in the consent spool and is stored, once, when it is back.</summary>
public sealed class ConsentOutageTests
{
    [Fact]
    public async Task A_proof_accepted_during_an_outage_is_stored_once_after_ClickHouse_returns()
    {
        using var clickHouse = new ClickHouseServer();
        var dataDir = Directory.CreateTempSubdirectory("analytics-consent-outage-").FullName;
        var database = TestPaths.NewDatabase();
        await using var service = new ServiceProcess(dataDir, clickHouse.ConnectionString, new Dictionary<string, string> { ["Storage__Database"] = database });
        await service.StartAsync();
        var site = await service.CreateSiteAsync("consent.example");
        clickHouse.Kill();

        var vid = "v" + Guid.NewGuid().ToString("N")[..20];
        var body = JsonSerializer.Serialize(new { site, vid, purposes = new { analytics = true, marketing = false }, source = "banner" });
        var response = await service.Http.PostAsync("/api/consent", new StringContent(body, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(Directory.GetFiles(Path.Combine(dataDir, "spool-consents"), "*.seg").Any(f => new FileInfo(f).Length > 0), "the proof is not in the consent spool");

        clickHouse.Start();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var stored = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                stored = (await clickHouse.QueryAsync($"SELECT count() FROM {database}.consents WHERE vid = '{vid}'")).Trim();
                if (stored == "1") break;
            }
            catch (HttpRequestException) { } // the server is still starting
            await Task.Delay(100);
        }
        Assert.True(stored == "1", $"{stored} proofs stored: {service.Log()}");
        Directory.Delete(dataDir, recursive: true);
    }
}
