using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Observability;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Ingestion;

/// <summary>
/// The real writer on a real spool into a real engine (both): frames of an earlier release's row layout after an
/// upgrade, a frame of a newer release's layout, and a corrupt frame in the middle of a segment.
/// </summary>
public abstract class SpoolWriterTests(EngineFixture engine) : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("analytics-spool-writer-").FullName;

    Spool OpenSpool(byte layout) => new(directory, 1 << 26, 1 << 20, NullLogger.Instance, layout);

    static EventRow Event(string site, string title) => new()
    {
        EventId = Guid.CreateVersion7(), SiteId = site, ReceivedAt = DateTimeOffset.UtcNow,
        TsMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Type = "pageview", Title = title, Url = "https://writer.example/",
    };

    /// <summary>One frame of rows, encoded by <paramref name="table"/> (all its columns: its current layout).</summary>
    static void AppendFrame(Spool spool, SpooledTable<EventRow> table, IEnumerable<EventRow> rows)
    {
        using var bytes = new RowBinaryWriter();
        var lengths = new List<int>();
        foreach (var row in rows)
        {
            var start = bytes.Length;
            table.Write(row, bytes);
            lengths.Add(bytes.Length - start);
        }
        spool.Append(bytes.WrittenSpan, lengths.ToArray());
    }

    static IEnumerable<EventRow> Events(string site, string prefix, int count) => Enumerable.Range(0, count).Select(i => Event(site, $"{prefix}-{i}"));

    /// <summary>Runs the writer of <paramref name="table"/> until <paramref name="site"/> has <paramref name="expected"/> rows, then stops it (drain).</summary>
    async Task RunWriterAsync(SpooledTable table, Spool spool, string site, int expected)
    {
        var ready = new SchemaReady();
        ready.Set();
        var writer = new SpoolWriter(table, spool, engine.ClickHouse, new IngestionMetrics(new Metrics()).Writer,
            new IngestionOptions { FlushIntervalMs = 20 }, ready, NullLogger<SpoolWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await CountAsync(site) < expected && DateTime.UtcNow < deadline) await Task.Delay(50);
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal(0, spool.PendingRows);
    }

    async Task<long> CountAsync(string site) =>
        JsonDocument.Parse(await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT count() AS n FROM events WHERE site_id = {site}")))
            .RootElement.GetProperty("n").ToString() is var n ? long.Parse(n) : 0;

    async Task<List<JsonElement>> StoredAsync(string site, bool withNote = false)
    {
        var note = withNote ? Sql.Query($", any(layout_test) AS note") : Sql.Query($"");
        var json = await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query(
            $"SELECT title, count() AS n{note} FROM events WHERE site_id = {site} GROUP BY title ORDER BY title"));
        return json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    [Fact]
    public async Task After_an_upgrade_frames_of_the_old_layout_are_stored_once_with_the_default_of_the_added_column()
    {
        var site = "upgrade-" + Guid.NewGuid().ToString("N")[..8];
        var previous = EventColumns.Definition;
        var upgraded = previous.With(new SpooledColumn<EventRow>("layout_test", "String", (w, _) => w.String("written"), (byte)(previous.CurrentLayout + 1)));
        var newer = upgraded.With(new SpooledColumn<EventRow>("from_the_future", "String", (w, _) => w.String("?"), (byte)(upgraded.CurrentLayout + 1)));

        // The previous release spooled while ClickHouse was away; a newer release (since rolled back) added a frame too.
        using (var spool = OpenSpool(previous.CurrentLayout)) AppendFrame(spool, previous, Events(site, "old-a", 30));
        using (var spool = OpenSpool(newer.CurrentLayout)) AppendFrame(spool, newer, Events(site, "newer", 5));
        using (var spool = OpenSpool(previous.CurrentLayout)) AppendFrame(spool, previous, Events(site, "old-b", 20));

        // The upgrade: its migration adds the column, and the new build spools in its own layout beside the old frames.
        await engine.ClickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE events ADD COLUMN layout_test String DEFAULT 'default'"));
        using var upgradedSpool = OpenSpool(upgraded.CurrentLayout);
        AppendFrame(upgradedSpool, upgraded, Events(site, "new", 10));

        await RunWriterAsync(upgraded, upgradedSpool, site, 60);

        var stored = await StoredAsync(site, withNote: true);
        Assert.Equal(60, stored.Count);
        Assert.All(stored, r => Assert.Equal("1", r.GetProperty("n").ToString()));
        Assert.All(stored, r => Assert.Equal(r.GetProperty("title").GetString()!.StartsWith("old") ? "default" : "written", r.GetProperty("note").GetString()));
        var deadLetter = Directory.GetFiles(Path.Combine(directory, "dead-letter"), $"*.layout{newer.CurrentLayout}.rowbinary");
        Assert.Single(deadLetter);
    }

    [Fact]
    public async Task Frames_after_a_corrupt_frame_in_the_middle_of_a_segment_are_stored()
    {
        var site = "corrupt-" + Guid.NewGuid().ToString("N")[..8];
        long secondFrameAt;
        using (var spool = OpenSpool(EventColumns.Definition.CurrentLayout))
        {
            AppendFrame(spool, EventColumns.Definition, Events(site, "before", 10));
            secondFrameAt = new FileInfo(Directory.GetFiles(directory, "*.seg").Single()).Length;
            AppendFrame(spool, EventColumns.Definition, Events(site, "lost", 10));
            AppendFrame(spool, EventColumns.Definition, Events(site, "after", 10));
        }
        var segment = Directory.GetFiles(directory, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[secondFrameAt + 40] ^= 0xFF; // a bit flip inside the second frame
        File.WriteAllBytes(segment, bytes);

        using var reopened = OpenSpool(EventColumns.Definition.CurrentLayout);
        await RunWriterAsync(EventColumns.Definition, reopened, site, 20);

        var titles = (await StoredAsync(site)).Select(r => r.GetProperty("title").GetString()!).ToList();
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => new[] { $"after-{i}", $"before-{i}" }).Order(StringComparer.Ordinal), titles.Order(StringComparer.Ordinal));
        Assert.Single(Directory.GetFiles(Path.Combine(directory, "dead-letter"), "*.corrupt"));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}

public sealed class SpoolWriterTestsEmbedded(EmbeddedEngine engine) : SpoolWriterTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class SpoolWriterTestsServer(ServerEngine engine) : SpoolWriterTests(engine), IClassFixture<ServerEngine>;
