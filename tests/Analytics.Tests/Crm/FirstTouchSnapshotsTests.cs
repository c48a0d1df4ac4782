using System.Text.Json.Serialization;
using Analytics.Crm.Value;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Sessions;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Crm;

/// <summary>
/// <see cref="FirstTouchSnapshots"/> on both engines: whether the first touches come from the sessions, from a stored
/// snapshot alone, or from a snapshot and the days computed at query time since (a late event on a stored day, a new
/// day), each customer's first touch is the channel and campaign of the earliest session of its linked devices, as the
/// test computes it from the events; a new link makes the snapshot stale. Each class has a database of its own, so
/// the inputs' version changes only with this test's writes.
/// </summary>
public abstract class FirstTouchSnapshotsTests(EngineFixture engine)
{
    const long Day = 86_400_000;
    static readonly long Midnight = DateTimeOffset.Parse("2026-10-05T00:00:00Z").ToUnixTimeMilliseconds();
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    readonly SessionOptions options = new() { RefreshDelay = TimeSpan.Zero };

    public sealed record TouchRow(string CustomerId, string FirstTouch);

    StoredSessions Source => new(engine.ClickHouse, Options.Create(options));

    Task InsertMarkedAsync(IReadOnlyCollection<EventRow> events) => Tests.Sessions.StoredTraffic.InsertMarkedAsync(engine.ClickHouse, events);

    /// <summary>Per customer, the channel and campaign of the earliest session of a linked device, the session's person being the customer.</summary>
    static List<TouchRow> Expected(IReadOnlyList<EventRow> events, IReadOnlyList<IdentityLinkRow> links) =>
        Tests.Sessions.SessionData.Expected(events, links)
            .Where(s => links.Any(l => l.VisitorId == s.VisitorId))
            .GroupBy(s => s.Person)
            .Select(g => g.MinBy(s => s.StartMs)!)
            .Select(s => new TouchRow(s.Person, $"{s.Channel}\u001F{s.UtmCampaign}"))
            .OrderBy(t => t.CustomerId, StringComparer.Ordinal).ToList();

    async Task<List<TouchRow>> ActualAsync(Sql rows) =>
        await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT customer_id, first_touch FROM ({ValueSql.FirstTouch(rows)}) ORDER BY customer_id"),
            FirstTouchTestJson.Default.TouchRow);

    async Task RefreshUntilServedAsync(SessionRefresh refresh, string site) =>
        await Eventually.UntilAsync(async () =>
        {
            await refresh.RefreshOnceAsync(CancellationToken.None);
            return await Source.QueryTimeFromAsync(site, CancellationToken.None) is null;
        }, Patience, "every day with events served from stored sessions");

    static async Task<long> ServedAsync(FirstTouchSnapshots snapshots, string site)
    {
        long? served = null;
        await Eventually.UntilAsync(async () => (served = await snapshots.SnapshotOfAsync(site, CancellationToken.None)) is not null,
            Patience, "a snapshot of the current first touches");
        return served!.Value;
    }

    [Fact]
    public async Task The_first_touches_are_the_earliest_linked_sessions_from_sessions_snapshot_and_the_days_computed_since()
    {
        var site = "ft" + Guid.NewGuid().ToString("N")[..10];
        var links = new List<IdentityLinkRow>
        {
            Link(site, "dA", "C1", Midnight), Link(site, "dA2", "C1", Midnight + 2 * Day), // C1: two devices, dA2 the later
            Link(site, "dB", "C2", Midnight + Day),                                           // linked after its first session
            Link(site, "dS", "C3", Midnight), Link(site, "dS", "C4", Midnight + Day + 12 * 60 * Minute), // shared: C3, then C4
            Link(site, "dN", "C5", Midnight),                                                 // no session until later
        };
        var events = new List<EventRow>();
        void Visit(string vid, long at, string channel, string campaign = "") =>
            events.AddRange([Event(site, vid, at, channel: channel, campaign: campaign), Event(site, vid, at + 5 * Minute, path: "/p", channel: "direct")]);
        Visit("dA", Midnight + 9 * 60 * Minute, "search", "spring");
        Visit("dA", Midnight + Day + 9 * 60 * Minute, "email");
        Visit("dA2", Midnight + 8 * 60 * Minute, "social", "launch");  // earlier than dA's: C1's first touch
        Visit("dB", Midnight + 10 * 60 * Minute, "referral");
        Visit("dS", Midnight + 11 * 60 * Minute, "paid", "brand");       // C3's
        Visit("dS", Midnight + 2 * Day + 11 * 60 * Minute, "email", "news"); // after the second link: C4's
        Visit("dU", Midnight + 7 * 60 * Minute, "search");                // unlinked: nobody's
        await InsertAsync(engine.ClickHouse, links);
        await InsertMarkedAsync(events);
        var refresh = new SessionRefresh(engine.ClickHouse, Options.Create(options), SessionMetrics.Unregistered(), NullLogger<SessionRefresh>.Instance);
        await RefreshUntilServedAsync(refresh, site);
        var snapshots = new FirstTouchSnapshots(engine.ClickHouse, Source, NullLogger<FirstTouchSnapshots>.Instance);
        var expected = Expected(events, links);
        Assert.Equal(["C1", "C2", "C3", "C4"], expected.Select(t => t.CustomerId));
        Assert.Equal("social\u001Flaunch", expected[0].FirstTouch);

        // The first read: the sessions (on a cluster always).
        Assert.Equal(expected, await ActualAsync(await snapshots.RowsAsync(site, CancellationToken.None)));
        if (engine.ClickHouse.Cluster is not null) return;
        // Then the snapshot, every day served.
        var snapshot = await ServedAsync(snapshots, site);
        Assert.Equal(expected, await ActualAsync(await snapshots.RowsAsync(site, CancellationToken.None)));

        // A late event before C2's first session (a stored day, marked again) and C5's first session on a new day: no
        // input changed, so the snapshot is still served, and those days are read again beside it.
        var late = new List<EventRow>
        {
            Event(site, "dB", Midnight + 6 * 60 * Minute, channel: "affiliate", campaign: "late"),
            Event(site, "dN", Midnight + 4 * Day + 9 * 60 * Minute, channel: "search", campaign: "new"),
        };
        await InsertMarkedAsync(late);
        events.AddRange(late);
        Assert.Equal(Midnight, await Source.QueryTimeFromAsync(site, CancellationToken.None));
        Assert.Equal(snapshot, await snapshots.SnapshotOfAsync(site, CancellationToken.None));
        expected = Expected(events, links);
        Assert.Contains(new TouchRow("C2", "affiliate\u001Flate"), expected);
        Assert.Contains(new TouchRow("C5", "search\u001Fnew"), expected);
        Assert.Equal(expected, await ActualAsync(await snapshots.RowsAsync(site, CancellationToken.None)));

        // Stored again: a new version, the snapshot is stale; the sessions, then a new snapshot, the same answer.
        await RefreshUntilServedAsync(refresh, site);
        Assert.Null(await snapshots.SnapshotOfAsync(site, CancellationToken.None));
        Assert.Equal(expected, await ActualAsync(await snapshots.RowsAsync(site, CancellationToken.None)));
        var next = await ServedAsync(snapshots, site);
        Assert.NotEqual(snapshot, next);
        Assert.Equal(expected, await ActualAsync(await snapshots.RowsAsync(site, CancellationToken.None)));

        // A new link moves dU's sessions to C6: stale at once, and C6 is there without waiting for a snapshot.
        var link = Link(site, "dU", "C6", Midnight + 5 * Day);
        await InsertAsync(engine.ClickHouse, [link]);
        links.Add(link);
        Assert.Null(await snapshots.SnapshotOfAsync(site, CancellationToken.None));
        expected = Expected(events, links);
        Assert.Contains(new TouchRow("C6", "search\u001F"), expected);
        Assert.Equal(expected, await ActualAsync(await snapshots.RowsAsync(site, CancellationToken.None)));
    }

    [Fact]
    public async Task Sessions_computed_at_query_time_are_never_snapshotted()
    {
        var site = "ftq" + Guid.NewGuid().ToString("N")[..10];
        var links = new List<IdentityLinkRow> { Link(site, "d1", "C1", Midnight) };
        var events = new List<EventRow> { Event(site, "d1", Midnight + 60 * Minute, channel: "email", campaign: "x") };
        await InsertAsync(engine.ClickHouse, links);
        await InsertAsync(engine.ClickHouse, events);
        var queryTime = new QueryTimeSessions(Options.Create(options));
        Assert.Equal(long.MinValue, await queryTime.QueryTimeFromAsync(site, CancellationToken.None));
        var snapshots = new FirstTouchSnapshots(engine.ClickHouse, queryTime, NullLogger<FirstTouchSnapshots>.Instance);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Expected(events, links), await ActualAsync(await snapshots.RowsAsync(site, CancellationToken.None)));
            await Task.Delay(200);
        }
        var built = await engine.ClickHouse.QueryFirstOrDefaultAsync(
            Sql.Query($"SELECT count() AS n FROM customer_first_touch_snapshots WHERE site_id = {site}"), StorageJson.Default.CountRow);
        Assert.Equal(0, built!.N);
    }
}

[JsonSerializable(typeof(FirstTouchSnapshotsTests.TouchRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class FirstTouchTestJson : JsonSerializerContext;

public sealed class FirstTouchSnapshotsTestsEmbedded(EmbeddedEngine engine) : FirstTouchSnapshotsTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class FirstTouchSnapshotsTestsServer(ServerEngine engine) : FirstTouchSnapshotsTests(engine), IClassFixture<ServerEngine>;
