using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Sessions;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Sessions;

/// <summary>The session model (DESIGN.md "Semantics") computed by <see cref="SessionSql"/> on both engines.</summary>
public abstract class SessionSqlTests(EngineFixture engine)
{
    static string NewSite() => "s" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Generated_traffic_inserted_shuffled_and_late_gives_the_sessions_of_the_rules()
    {
        var site = NewSite();
        var random = new Random(16);
        var events = new List<EventRow>();
        string[] channels = ["direct", "search", "social", "email"], types = ["pageview", "pageview", "click", "scroll"];
        for (var v = 0; v < 40; v++)
        {
            var t = Base + random.Next(0, 600) * Minute;
            for (var i = 0; i < random.Next(1, 25); i++)
            {
                t += random.Next(0, 3) == 0 ? random.Next(25, 90) * Minute : random.Next(1, 5 * 60_000); // no ties: their order is the event id's
                events.Add(Event(site, $"v{v:D2}", t, types[random.Next(types.Length)], $"/p{random.Next(8)}",
                    channels[random.Next(channels.Length)], bot: random.Next(30) == 0, source: $"src{random.Next(3)}", campaign: $"c{random.Next(3)}"));
            }
        }
        // Two sessions 50 minutes apart, joined into one by an event that arrives late, in the second batch.
        events.Add(Event(site, "late", Base, path: "/morning"));
        events.Add(Event(site, "late", Base + 50 * Minute, path: "/later"));
        var bridge = Event(site, "late", Base + 25 * Minute, "click");
        var late = events.Where((_, i) => i % 7 == 3).Append(bridge).ToList();
        var first = events.Except(late).OrderBy(_ => random.Next()).ToList();

        await InsertAsync(engine.ClickHouse, first);
        Assert.Equal(Expected(first, []), await SessionsAsync(engine.ClickHouse, new SessionQuery(site)));
        Assert.Equal(2, (await SessionsAsync(engine.ClickHouse, new SessionQuery(site, Visitors: ["late"]))).Count);

        await InsertAsync(engine.ClickHouse, late.OrderBy(_ => random.Next()));
        var all = first.Concat(late).ToList();
        var expected = Expected(all, []);
        Assert.Equal(expected, await SessionsAsync(engine.ClickHouse, new SessionQuery(site)));
        var joined = Assert.Single(await SessionsAsync(engine.ClickHouse, new SessionQuery(site, Visitors: ["late"])));
        Assert.Equal((3, 50 * Minute, "/morning", "/later"), (joined.Events, joined.DurationMs, joined.EntryPath, joined.ExitPath));
        Assert.True(expected.Count > 60, $"the generated traffic has {expected.Count} sessions");
    }

    [Fact]
    public async Task Thirty_minutes_without_an_event_is_the_same_session_and_one_millisecond_more_is_a_new_one()
    {
        var site = NewSite();
        await InsertAsync(engine.ClickHouse, [
            Event(site, "a", Base), Event(site, "a", Base + 30 * Minute), Event(site, "a", Base + 60 * Minute + 1),
            Event(site, "b", Base + 7), Event(site, "b", Base + 7 + 30 * Minute - 1)]);
        var sessions = await SessionsAsync(engine.ClickHouse, new SessionQuery(site));
        Assert.Equal([("a", Base, 2L), ("a", Base + 60 * Minute + 1, 1L), ("b", Base + 7, 2L)],
            sessions.Select(s => (s.VisitorId, s.StartMs, s.Events)));

        var tenMinutes = await SessionsAsync(engine.ClickHouse, new SessionQuery(site), new SessionOptions { Gap = TimeSpan.FromMinutes(10) });
        Assert.Equal(5, tenMinutes.Count);
    }

    [Fact]
    public async Task Facts_are_entry_and_exit_pageview_bounce_duration_and_the_first_events_channel()
    {
        var site = NewSite();
        await InsertAsync(engine.ClickHouse, [
            Event(site, "a", Base + 5 * Minute, "click", "/landing", channel: "direct"),
            Event(site, "a", Base, "scroll", "/ignored", channel: "email", source: "newsletter", campaign: "autumn\u001Fsale"),
            Event(site, "a", Base + 1 * Minute, "pageview", "/landing", channel: "direct"),
            Event(site, "a", Base + 9 * Minute, "pageview", "/cart"),
            Event(site, "a", Base + 12 * Minute, "purchase", "/thanks"),
            Event(site, "b", Base, "pageview", "/only", channel: "search"),
            Event(site, "c", Base, "click", "/only"),
            Event(site, "d", Base, "pageview", "/one"), Event(site, "d", Base, "pageview", "/one")]);
        var s = (await SessionsAsync(engine.ClickHouse, new SessionQuery(site))).ToDictionary(x => x.VisitorId);

        Assert.Equal(("/landing", "/cart", 12 * Minute, 5L, 2L, 0), (s["a"].EntryPath, s["a"].ExitPath, s["a"].DurationMs, s["a"].Events, s["a"].Pageviews, s["a"].Bounce));
        Assert.Equal(("email", "newsletter", "autumn\u001Fsale"), (s["a"].Channel, s["a"].Source, s["a"].UtmCampaign));
        Assert.Equal((1, 0L, "/only", "/only", "search"), (s["b"].Bounce, s["b"].DurationMs, s["b"].EntryPath, s["b"].ExitPath, s["b"].Channel));
        Assert.Equal((0, "", ""), (s["c"].Bounce, s["c"].EntryPath, s["c"].ExitPath)); // one event, not a pageview
        Assert.Equal((0, 2L), (s["d"].Bounce, s["d"].Pageviews)); // two pageviews at the same time are no bounce
        Assert.Equal(("desktop", "Firefox", "Linux", "DE"), (s["a"].Device, s["a"].Browser, s["a"].Os, s["a"].Country));
    }

    [Fact]
    public async Task Bots_never_count()
    {
        var site = NewSite();
        await InsertAsync(engine.ClickHouse, [
            Event(site, "human", Base), Event(site, "human", Base + 20 * Minute, bot: true), Event(site, "human", Base + 40 * Minute),
            Event(site, "crawler", Base, bot: true)]);
        var sessions = await SessionsAsync(engine.ClickHouse, new SessionQuery(site));
        Assert.Equal([("human", 1L), ("human", 1L)], sessions.Select(s => (s.VisitorId, s.Events))); // the bot's event bridges nothing
    }

    [Fact]
    public async Task A_range_keeps_the_sessions_that_start_in_it_whole()
    {
        var site = NewSite();
        await InsertAsync(engine.ClickHouse, [
            Event(site, "before", Base - 20 * Minute), Event(site, "before", Base + 5 * Minute),
            Event(site, "across", Base + 50 * Minute), Event(site, "across", Base + 70 * Minute), Event(site, "across", Base + 95 * Minute),
            Event(site, "after", Base + 60 * Minute + 1)]);
        var sessions = await SessionsAsync(engine.ClickHouse, new SessionQuery(site, Base, Base + 60 * Minute));
        var across = Assert.Single(sessions);
        Assert.Equal(("across", Base + 50 * Minute, Base + 95 * Minute, 3L), (across.VisitorId, across.StartMs, across.EndMs, across.Events));
    }
}

public sealed class SessionSqlTestsEmbedded(EmbeddedEngine engine) : SessionSqlTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class SessionSqlTestsServer(ServerEngine engine) : SessionSqlTests(engine), IClassFixture<ServerEngine>;
