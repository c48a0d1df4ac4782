using System.Text.Json;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Observability;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Identity;

/// <summary>
/// A restart after the link writer stored a batch but before it committed the spool replays that batch: the real
/// writer on a real spool into a real engine (both) stores each identify's link once.
/// </summary>
public abstract class IdentifyLinkReplayTests(EngineFixture engine) : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("analytics-link-replay-").FullName;

    Spool OpenSpool() => new(directory, 1 << 26, 1 << 20, NullLogger.Instance, IdentityLinks.Definition.CurrentLayout);

    static IdentityLinkRow LinkOf(string site, string customer, string vid)
    {
        var raw = new RawEvent { Type = "identify", Vid = vid, CustomerId = customer, ConsentAnalytics = true };
        var row = new EventRow { EventId = Guid.CreateVersion7(), SiteId = site, TsMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Type = "identify", Vid = vid, CustomerId = customer };
        return IdentifyLinks.FromEvent(raw, row)!;
    }

    [Fact]
    public async Task An_identify_batch_replayed_after_a_restart_is_stored_once()
    {
        var site = "replay-" + Guid.NewGuid().ToString("N")[..8];
        List<IdentityLinkRow> links = [LinkOf(site, "C1", "v-1"), LinkOf(site, "C2", "v-2"), LinkOf(site, "C1", "v-3")];
        using (var spool = OpenSpool()) new IdentifyLinks(spool).Append(links);

        // The crash came after the insert and before the commit: ClickHouse has the rows, the spool still holds them.
        using (var bytes = new RowBinaryWriter())
        {
            foreach (var link in links) IdentityLinks.Definition.Write(link, bytes);
            await engine.ClickHouse.InsertRowBinaryAsync("identity_links", IdentityLinks.Definition.ColumnsOf(IdentityLinks.Definition.CurrentLayout), bytes.Written);
        }

        using var restarted = OpenSpool();
        Assert.Equal(3, restarted.RecoveredRows);
        var ready = new SchemaReady();
        ready.Set();
        var metrics = new IngestionMetrics(new Metrics()).Writer;
        var writer = new SpoolWriter(IdentityLinks.Definition, restarted, engine.ClickHouse, metrics,
            new IngestionOptions { FlushIntervalMs = 20 }, ready, NullLogger<SpoolWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (restarted.PendingRows > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await writer.StopAsync(CancellationToken.None);
        Assert.True(restarted.PendingRows == 0, $"{restarted.PendingRows} pending; writer: {writer.ExecuteTask?.Status} {writer.ExecuteTask?.Exception}");

        var json = await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query(
            $"SELECT toString(link_id) AS id, count() AS n FROM identity_links WHERE site_id = {site} GROUP BY link_id ORDER BY id"));
        var stored = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(links.Select(l => l.LinkId.ToString()).Order(), stored.Select(r => r.GetProperty("id").GetString()));
        Assert.All(stored, r => Assert.Equal("1", r.GetProperty("n").ToString()));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}

public sealed class IdentifyLinkReplayTestsEmbedded(EmbeddedEngine engine) : IdentifyLinkReplayTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class IdentifyLinkReplayTestsServer(ServerEngine engine) : IdentifyLinkReplayTests(engine), IClassFixture<ServerEngine>;

/// <summary>The writer finds a spooled link in ClickHouse again by the key it reads back from the row's bytes.</summary>
public sealed class IdentityLinkKeyTests
{
    [Fact]
    public void The_key_of_a_spooled_link_is_read_back_past_the_strings_before_its_time()
    {
        var link = new IdentityLinkRow
        {
            LinkId = Guid.CreateVersion7(), SiteId = "site-1", VisitorId = "a-visitor-id", CustomerId = "customer-42",
            LinkedAt = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000), Source = IdentityLinks.FromIdentify,
        };
        using var bytes = new RowBinaryWriter();
        IdentityLinks.Definition.Write(link, bytes);
        var key = IdentityLinks.Definition.ReadKey(bytes.WrittenSpan, IdentityLinks.Definition.CurrentLayout);
        Assert.Equal(new SpooledRowKey(link.LinkId, "site-1", 1_780_000_000), key);
    }
}
