using System.Net;
using System.Text;
using Analytics.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Faults;

/// <summary>The spool's fsync interval runs from start-up, also while ClickHouse has never answered.</summary>
public sealed class SpoolFsyncTests
{
    [Fact]
    public async Task With_ClickHouse_unreachable_since_start_appended_frames_are_fsynced()
    {
        using var api = new OfflineApi(new Dictionary<string, string?> { ["Ingestion:SpoolFsyncIntervalMs"] = "50" });
        var client = api.CreateClient();
        var response = await client.PostAsync("/api/collect", new StringContent(
            $$"""{"site":"{{OfflineApi.SiteKey}}","events":[{"type":"pageview","url":"https://{{OfflineApi.Domain}}/"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var rounds = api.Services.GetRequiredService<Metrics>().Counter("analytics_spool_fsync_rounds_total", "");
        var afterAppend = rounds.Value;
        // A round that started after the append returned has ended: the frame is on disk.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (rounds.Value < afterAppend + 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no fsync of the spool ran within 30 s ({rounds.Value} rounds) while ClickHouse was away");
            await Task.Delay(20);
        }
        Assert.False(await ReadyAsync(client), "ClickHouse answered: the test proves nothing");
    }

    static async Task<bool> ReadyAsync(HttpClient client) => (await client.GetAsync("/readyz")).IsSuccessStatusCode;
}
