using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Sessions;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Sessions;

/// <summary>
/// Stored sessions (<see cref="SessionRefresh"/>, <see cref="StoredSessions"/>) on both engines: whatever was refreshed
/// and whatever arrived since, the source answers exactly what <see cref="SessionSql.Build"/> answers, and the rules.
/// </summary>
public abstract class StoredSessionsTests(EngineFixture engine)
{
    static readonly long Day = 86_400_000;
    static readonly long Midnight = DateTimeOffset.Parse("2026-10-05T00:00:00Z").ToUnixTimeMilliseconds();
    static readonly DateOnly FirstDay = new(2026, 10, 5);
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // No delay: a mark is ready once a second has passed (marks have seconds); old generations stay (no cleanup here).
    // One day per run, as at scale (a day above MaxEventsPerRefresh): a session across a run's end is cut there.
    readonly SessionOptions options = new() { RefreshDelay = TimeSpan.Zero, MaxDaysPerRefresh = 1 };

    static string NewSite() => "s" + Guid.NewGuid().ToString("N")[..12];

    SessionRefresh NewRefresh() => new(engine.ClickHouse, Options.Create(options), SessionMetrics.Unregistered(), NullLogger<SessionRefresh>.Instance);
    StoredSessions Source => new(engine.ClickHouse, Options.Create(options));

    /// <summary>What the events writer does: mark the days, then insert the rows.</summary>
    async Task InsertMarkedAsync(IReadOnlyCollection<EventRow> events)
    {
        await new SessionDirtyMarks(engine.ClickHouse, Options.Create(options)).MarkAsync(events.Select(e => (e.SiteId, e.TsMs, e.TsMs)), CancellationToken.None);
        await InsertAsync(engine.ClickHouse, events);
    }

    async Task<List<SessionRow>> FromSourceAsync(SessionQuery query)
    {
        var sessions = await Source.SessionsAsync(query, CancellationToken.None);
        return await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM ({sessions}) ORDER BY visitor_id, start_ms"), SessionJson.Default.SessionRow);
    }

    /// <summary>The source equals <see cref="SessionSql.Build"/> for the query, row for row; returns the rows.</summary>
    async Task<List<SessionRow>> AssertExactAsync(SessionQuery query)
    {
        var expected = await SessionsAsync(engine.ClickHouse, query, options);
        var actual = await FromSourceAsync(query);
        Assert.Equal(expected, actual);
        return actual;
    }

    /// <summary>Refreshes until every day in <paramref name="days"/> is served from the table for <paramref name="query"/>.</summary>
    async Task RefreshUntilStoredAsync(SessionRefresh refresh, SessionQuery query, params DateOnly[] days) =>
        await Eventually.UntilAsync(async () =>
        {
            await refresh.RefreshOnceAsync(CancellationToken.None);
            var stored = await Source.StoredDaysAsync(query, CancellationToken.None);
            return days.All(stored.Contains);
        }, Patience, $"days {string.Join(", ", days)} served from stored sessions");

    static List<EventRow> Traffic(string site, Random random)
    {
        var events = new List<EventRow>();
        string[] channels = ["direct", "search", "social"], types = ["pageview", "pageview", "click"];
        for (var v = 0; v < 30; v++)
        {
            var t = Midnight + random.Next(0, 7) * Day + random.Next(0, 24 * 60) * Minute;
            for (var i = 0; i < random.Next(1, 15); i++)
            {
                t += random.Next(0, 3) == 0 ? random.Next(25, 600) * Minute : random.Next(1, 20 * 60_000);
                events.Add(Event(site, $"v{v:D2}", t, types[random.Next(types.Length)], $"/p{random.Next(5)}",
                    channels[random.Next(channels.Length)], bot: random.Next(40) == 0));
            }
        }
        // Across midnight UTC: one session from 23:50 to 00:10 of the next day.
        events.Add(Event(site, "night", Midnight + 2 * Day - 10 * Minute, path: "/evening"));
        events.Add(Event(site, "night", Midnight + 2 * Day + 10 * Minute, path: "/morning"));
        // Longer than the tail past its day's end: the refresh cuts it (open_end), so queries compute its day.
        for (var t = Midnight + 3 * Day + 22 * 60 * Minute; t < Midnight + 4 * Day + 8 * 60 * Minute; t += 20 * Minute)
            events.Add(Event(site, "marathon", t, "click"));
        // Seven hours within one day: stored whole, but a query ending at 10:30 cuts it at 16:30 (its end + tail).
        for (var t = Midnight + 5 * Day + 10 * 60 * Minute; t <= Midnight + 5 * Day + 17 * 60 * Minute; t += 20 * Minute)
            events.Add(Event(site, "long", t, "click"));
        return events;
    }

    SessionQuery[] Queries(string site) =>
    [
        new(site, Midnight, Midnight + 7 * Day),
        new(site),
        new(site, Midnight + Day + 7 * 60 * Minute + 123, Midnight + 5 * Day - 3 * 60 * Minute),
        new(site, Midnight + 2 * Day, Midnight + 3 * Day),
        new(site, Midnight + 3 * Day, Midnight + 4 * Day),
        new(site, Midnight + 5 * Day, Midnight + 5 * Day + 630 * Minute),
        new(site, Visitors: ["night", "v03", "marathon"]),
        new(site, Midnight - 30 * Day, Midnight + 30 * Day, Visitors: ["v07"]),
        new(site, LinkedOnly: true),
        new(site, Midnight + 2 * Day, Midnight + 6 * Day, LinkedOnly: true),
    ];

    [Fact]
    public async Task Stored_and_computed_sessions_are_exactly_the_query_time_sessions_through_late_imported_and_relinked_events()
    {
        var site = NewSite();
        var random = new Random(17);
        var events = Traffic(site, random);
        var late = events.Where((e, i) => i % 9 == 4 && e.Vid.StartsWith('v') && e.Vid != "long").ToList();
        var first = events.Except(late).OrderBy(_ => random.Next()).ToList();
        await InsertMarkedAsync(first);
        var links = new List<IdentityLinkRow> { Link(site, "v01", "alice", Midnight + 2 * Day), Link(site, "v02", "alice", Midnight) };
        await InsertAsync(engine.ClickHouse, links);

        var refresh = NewRefresh();
        var all = new SessionQuery(site, Midnight, Midnight + 7 * Day);
        await RefreshUntilStoredAsync(refresh, all, FirstDay, FirstDay.AddDays(1), FirstDay.AddDays(2), FirstDay.AddDays(4), FirstDay.AddDays(5));
        foreach (var query in Queries(site)) await AssertExactAsync(query);
        var rows = await AssertExactAsync(new SessionQuery(site));
        Assert.Equal(Expected(first, links).Select(s => (s.VisitorId, s.StartMs, s.Person)), rows.Select(s => (s.VisitorId, s.StartMs, s.Person)));
        // Only the linked devices' sessions, stored or computed (a customer's first touch reads no anonymous device).
        var linked = await AssertExactAsync(new SessionQuery(site, LinkedOnly: true));
        Assert.Equal(Expected(first, links).Where(s => s.VisitorId is "v01" or "v02").Select(s => (s.VisitorId, s.StartMs, s.Person)),
            linked.Select(s => (s.VisitorId, s.StartMs, s.Person)));
        Assert.NotEmpty(linked);
        // The marathon's day: its refresh (that day alone) cut the session 6 h past midnight (open_end), so queries compute
        // the marathon's sessions from that day on, from its events alone; the day's other sessions stay served.
        Assert.Contains(FirstDay.AddDays(3), await Source.StoredDaysAsync(all, CancellationToken.None));
        Assert.Equal(["marathon"], await Source.ComputedVisitorsAsync(all, CancellationToken.None));
        Assert.Contains(FirstDay.AddDays(4), await Source.StoredDaysAsync(all, CancellationToken.None));
        Assert.Contains(FirstDay.AddDays(5), await Source.StoredDaysAsync(all, CancellationToken.None));
        // A query ending at 10:30 cuts the long session of day 5 at 16:30: that visitor is computed, the day served.
        var morning = new SessionQuery(site, Midnight + 5 * Day, Midnight + 5 * Day + 630 * Minute);
        Assert.Contains(FirstDay.AddDays(5), await Source.StoredDaysAsync(morning, CancellationToken.None));
        Assert.Equal(["long"], await Source.ComputedVisitorsAsync(morning, CancellationToken.None));

        // Late and out-of-order events into refreshed days: visible at once (those days are computed), then stored again.
        await InsertMarkedAsync(late.OrderBy(_ => random.Next()).ToList());
        var bridge = Event(site, "night", Midnight + 2 * Day - 35 * Minute, "click"); // extends the night session backwards
        await InsertMarkedAsync([bridge]);
        var now = first.Concat(late).Append(bridge).ToList();
        foreach (var query in Queries(site)) await AssertExactAsync(query);
        Assert.Equal(Expected(now, links).Count, (await FromSourceAsync(new SessionQuery(site))).Count);
        await RefreshUntilStoredAsync(refresh, all, FirstDay, FirstDay.AddDays(1), FirstDay.AddDays(2));
        foreach (var query in Queries(site)) await AssertExactAsync(query);
        var night = Assert.Single(await FromSourceAsync(new SessionQuery(site, Visitors: ["night"])));
        Assert.Equal((Midnight + 2 * Day - 35 * Minute, 3L, "/morning"), (night.StartMs, night.Events, night.ExitPath));

        // Imported history, weeks before: computed until refreshed, then stored.
        var history = Enumerable.Range(0, 20).Select(i => Event(site, $"old{i % 4}", Midnight - 20 * Day + i * 7 * Minute, path: $"/h{i}")).ToList();
        await InsertMarkedAsync(history);
        now.AddRange(history);
        var year = new SessionQuery(site, Midnight - 30 * Day, Midnight + 7 * Day);
        Assert.Equal(Expected(now, links).Count, (await AssertExactAsync(year)).Count);
        foreach (var query in Queries(site)) await AssertExactAsync(query); // open ranges too: the old day is before every stored one
        await RefreshUntilStoredAsync(refresh, year, FirstDay.AddDays(-20));
        Assert.Equal(Expected(now, links).Count, (await AssertExactAsync(year)).Count);

        // A link added after the refresh changes persons at once: persons are resolved when stored sessions are read.
        var relink = Link(site, "v05", "bob", Midnight);
        await InsertAsync(engine.ClickHouse, [relink]);
        links.Add(relink);
        var relinked = await AssertExactAsync(year);
        Assert.Equal(Expected(now, links).Select(s => (s.VisitorId, s.StartMs, s.Person)), relinked.Select(s => (s.VisitorId, s.StartMs, s.Person)));
        Assert.Contains(relinked, s => s is { VisitorId: "v05", Person: "bob" });

        // The sessions per visitor, by the rules.
        var perVisitor = Expected(now, links).GroupBy(s => s.VisitorId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(perVisitor, relinked.GroupBy(s => s.VisitorId).ToDictionary(g => g.Key, g => g.Count()));

        // Refreshed days hold older generations too: they are never read.
        var generations = await engine.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT max(g) AS n FROM (SELECT day, uniqExact(generation) AS g FROM sessions WHERE site_id = {site} GROUP BY day)
            """), StorageJson.Default.CountRow);
        Assert.True(generations!.N > 1, "a refreshed day keeps its older generation until the cleanup");
    }

    /// <summary>Each session's shopping sets (and value sets, in the order the source gives them) as JSONEachRow text, by visitor and start.</summary>
    async Task<string> ShoppingTextAsync(Sql sessions) => await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query($"""
        SELECT visitor_id, toString(start_ms) AS start, view_products, arrayMap(t -> toString(t), view_ms) AS view_times,
            purchase_orders, arrayMap(t -> toString(t), purchase_ms) AS purchase_times, length(fact_sets) AS facts
        FROM ({sessions}) ORDER BY visitor_id, start_ms
        """));

    [Fact]
    public async Task Shopping_sets_are_stored_with_the_sessions_and_equal_the_query_time_sets()
    {
        var site = NewSite();
        EventRow View(string vid, long at, string key, string product, bool bot = false)
        {
            var e = Event(site, vid, at, "product_view", "/product", bot: bot);
            (e.PropsKeys, e.PropsValues) = ([key], [product]);
            return e;
        }
        EventRow Buy(string vid, long at, string order)
        {
            var e = Event(site, vid, at, "purchase", "/thanks");
            e.OrderId = order;
            return e;
        }
        var t = Midnight + 10 * 60 * Minute;
        var events = new List<EventRow>
        {
            // One session: X, Y (by its sku prop), X again, the order twice (a resent purchase), a pageview; a bot's view is no view.
            View("shopper", t, "id", "X"), View("shopper", t + Minute, "sku", "Y"), View("shopper", t + 2 * Minute, "id", "X"),
            Buy("shopper", t + 3 * Minute, "o1"), Buy("shopper", t + 4 * Minute, "o1"), Event(site, "shopper", t + 5 * Minute),
            View("shopper", t + 6 * Minute, "id", "Q", bot: true),
            // Four hours later, another session: Z and a second order.
            View("shopper", t + 240 * Minute, "id", "Z"), Buy("shopper", t + 241 * Minute, "o2"),
            // The next day: a view without a product, a purchase without an order id, pageviews.
            View("browser", t + Day, "colour", "red"), Buy("browser", t + Day + Minute, ""), Event(site, "browser", t + Day + 2 * Minute),
        };
        await InsertMarkedAsync(events);
        var refresh = NewRefresh();
        var range = new SessionQuery(site, Midnight, Midnight + 2 * Day, WithoutPerson: true, WithShopping: true);
        await RefreshUntilStoredAsync(refresh, range, FirstDay, FirstDay.AddDays(1));

        async Task<string> AssertSameAsync(SessionQuery query)
        {
            var stored = await ShoppingTextAsync(await Source.SessionsAsync(query with { WithValues = true }, CancellationToken.None));
            Assert.Equal(await ShoppingTextAsync(SessionSql.Build(query with { WithValues = true }, options)), stored);
            return stored;
        }
        Assert.Null(await Source.ComputedFromAsync(range, CancellationToken.None));
        var rows = (await AssertSameAsync(range)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.Contains("\"visitor_id\":\"browser\"", rows[0]);
        Assert.Contains("\"view_products\":[],\"view_times\":[],\"purchase_orders\":[],\"purchase_times\":[]", rows[0]);
        Assert.Contains($"\"view_products\":[\"X\",\"Y\"],\"view_times\":[\"{t}\",\"{t + Minute}\"],\"purchase_orders\":[\"o1\",\"o1\"],\"purchase_times\":[\"{t + 3 * Minute}\",\"{t + 4 * Minute}\"]", rows[1]);
        Assert.Contains($"\"view_products\":[\"Z\"],\"view_times\":[\"{t + 240 * Minute}\"],\"purchase_orders\":[\"o2\"],\"purchase_times\":[\"{t + 241 * Minute}\"]", rows[2]);
        await AssertSameAsync(range with { WithoutPerson = false });

        // A late view into the stored day: that day is computed, with the view, until it is stored again.
        await InsertMarkedAsync([View("shopper", t + 30 * 1000, "id", "W")]);
        Assert.Equal(FirstDay, await Source.ComputedFromAsync(range, CancellationToken.None));
        Assert.Contains($"\"view_products\":[\"X\",\"W\",\"Y\"]", await AssertSameAsync(range));
        await RefreshUntilStoredAsync(refresh, range, FirstDay);
        Assert.Null(await Source.ComputedFromAsync(range, CancellationToken.None));
        Assert.Contains($"\"view_products\":[\"X\",\"W\",\"Y\"]", await AssertSameAsync(range));
    }

    [Fact]
    public async Task Days_without_events_are_not_computed_a_range_starting_before_the_first_event_reads_only_the_table()
    {
        var site = NewSite();
        // Traffic on the first two days and the fourth; none on the third, none before the first.
        var events = new List<EventRow>();
        foreach (var day in new[] { 0, 1, 3 })
            for (var v = 0; v < 4; v++)
                for (var i = 0; i < 3; i++)
                    events.Add(Event(site, $"d{day}v{v}", Midnight + day * Day + (8 + v) * 60 * Minute + i * 5 * Minute, path: $"/p{i}"));
        await InsertMarkedAsync(events);
        var refresh = NewRefresh();
        var range = new SessionQuery(site, Midnight - 10 * Day, Midnight + 4 * Day);
        await RefreshUntilStoredAsync(refresh, range, FirstDay, FirstDay.AddDays(1), FirstDay.AddDays(3));

        // The days before the first event and the day between are neither stored nor marked: nothing is computed.
        Assert.Null(await Source.ComputedFromAsync(range, CancellationToken.None));
        Assert.Equal(12, (await AssertExactAsync(range)).Count);
        Assert.Equal(12, (await AssertExactAsync(new SessionQuery(site, Midnight - 3 * Day, Midnight + 30 * Day))).Count);
        // A late event on the empty day marks it: from then on that day is computed, and the answer stays exact.
        var late = Event(site, "late", Midnight + 2 * Day + 12 * 60 * Minute, path: "/late");
        await InsertMarkedAsync([late]);
        Assert.Equal(FirstDay.AddDays(2), await Source.ComputedFromAsync(range, CancellationToken.None));
        Assert.Equal(13, (await AssertExactAsync(range)).Count);
    }

    [Fact]
    public async Task More_cut_sessions_than_are_computed_one_by_one_make_their_day_computed_whole_and_the_answer_stays_exact()
    {
        var site = NewSite();
        var events = new List<EventRow>();
        // Day 1: one more all-nighter (22:00 to 08:00, past the 6 h tail) than are computed alone; day 3: one visitor's.
        for (var v = 0; v <= StoredSessions.MaxComputedVisitors; v++)
            for (var t = Midnight + Day + 22 * 60 * Minute; t < Midnight + 2 * Day + 8 * 60 * Minute; t += 25 * Minute)
                events.Add(Event(site, $"n{v:D3}", t + v, "click"));
        for (var t = Midnight + 3 * Day + 22 * 60 * Minute; t < Midnight + 4 * Day + 8 * 60 * Minute; t += 25 * Minute)
            events.Add(Event(site, "solo", t, "click"));
        events.AddRange([Event(site, "short", Midnight + Day + 60 * Minute), Event(site, "short", Midnight + 3 * Day + 60 * Minute)]);
        await InsertMarkedAsync(events);

        var all = new SessionQuery(site, Midnight, Midnight + 5 * Day);
        await RefreshUntilStoredAsync(NewRefresh(), all, FirstDay.AddDays(2), FirstDay.AddDays(3));
        var stored = await Source.StoredDaysAsync(all, CancellationToken.None);
        Assert.DoesNotContain(FirstDay.AddDays(1), stored);
        Assert.Contains(FirstDay.AddDays(3), stored);
        Assert.Equal(["solo"], await Source.ComputedVisitorsAsync(all, CancellationToken.None));
        var rows = await AssertExactAsync(all);
        Assert.Equal(StoredSessions.MaxComputedVisitors + 4, rows.Count);
        await AssertExactAsync(new SessionQuery(site, Midnight + 3 * Day, Midnight + 4 * Day));
    }

    [Fact]
    public async Task The_refresh_resumes_from_its_watermark_after_a_restart_and_deletes_superseded_generations()
    {
        var site = NewSite();
        var day = new SessionQuery(site, Midnight + 10 * Day, Midnight + 11 * Day);
        await InsertMarkedAsync([Event(site, "a", Midnight + 10 * Day + 60 * Minute), Event(site, "a", Midnight + 10 * Day + 70 * Minute)]);
        await RefreshUntilStoredAsync(NewRefresh(), day, FirstDay.AddDays(10));
        Assert.Single(await AssertExactAsync(day));

        // A new process: nothing in memory, the watermark in ClickHouse. The late event's day is refreshed again.
        await InsertMarkedAsync([Event(site, "a", Midnight + 10 * Day + 140 * Minute)]);
        Assert.Equal(2, (await AssertExactAsync(day)).Count);
        options.KeepSuperseded = TimeSpan.Zero;
        options.CleanupInterval = TimeSpan.Zero;
        var restarted = NewRefresh();
        await RefreshUntilStoredAsync(restarted, day, FirstDay.AddDays(10));
        Assert.Equal(2, (await AssertExactAsync(day)).Count);

        // The cleanup (every refresh here) deletes the superseded generation; mutations finish in the background.
        await Eventually.UntilAsync(async () =>
        {
            await restarted.RefreshOnceAsync(CancellationToken.None);
            var left = await engine.ClickHouse.QueryFirstOrDefaultAsync(
                Sql.Query($"SELECT uniqExact(generation) AS n FROM sessions WHERE site_id = {site}"), StorageJson.Default.CountRow);
            return left!.N == 1;
        }, Patience, "the superseded generation deleted");
        Assert.Equal(2, (await AssertExactAsync(day)).Count);
    }

    [Fact]
    public async Task A_busy_writer_marks_a_day_once_per_few_seconds_not_once_per_batch()
    {
        var site = NewSite();
        var marks = new SessionDirtyMarks(engine.ClickHouse, Options.Create(new SessionOptions())); // delay 2 min: 5 s throttle
        for (var batch = 0; batch < 5; batch++)
            await marks.MarkAsync([(site, Midnight + 12 * 60 * Minute + batch, Midnight + 12 * 60 * Minute + batch)], CancellationToken.None);
        // 01:00 the next day touches that day and (within the tail) the first, already marked: one new row.
        await marks.MarkAsync([(site, Midnight + Day + 60 * Minute, Midnight + Day + 60 * Minute)], CancellationToken.None);
        var rows = await engine.ClickHouse.QueryListAsync(
            Sql.Query($"SELECT toString(day) AS text, count() AS n FROM session_dirty_days WHERE site_id = {site} GROUP BY day ORDER BY day"),
            StorageJson.Default.JsonElement);
        Assert.Equal([("2026-10-05", 1L), ("2026-10-06", 1L)],
            rows.Select(r => (r.GetProperty("text").GetString(), long.Parse(r.GetProperty("n").ToString()))));
    }

    [Theory]
    [InlineData(31, 300_000, "")] // the defaults: the week in one run, so the marathon (days 3 to 4) is stored whole
    [InlineData(2, 300_000, null)] // runs cut by their days (where, depends on the first marked day)
    [InlineData(31, 40, null)] // runs cut by their events
    public async Task Runs_of_several_days_store_exactly_the_query_time_sessions(int maxDays, long maxEvents, string? computed)
    {
        var site = NewSite();
        var events = Traffic(site, new Random(29));
        await InsertMarkedAsync(events);
        var links = new List<IdentityLinkRow> { Link(site, "v01", "alice", Midnight + 2 * Day), Link(site, "v02", "alice", Midnight) };
        await InsertAsync(engine.ClickHouse, links);
        options.MaxDaysPerRefresh = maxDays;
        options.MaxEventsPerRefresh = maxEvents;

        var all = new SessionQuery(site, Midnight, Midnight + 7 * Day);
        await RefreshUntilStoredAsync(NewRefresh(), all, Enumerable.Range(0, 7).Select(FirstDay.AddDays).ToArray());
        foreach (var query in Queries(site)) await AssertExactAsync(query);
        Assert.Equal(Expected(events, links).Select(s => (s.VisitorId, s.StartMs, s.Person)),
            (await AssertExactAsync(new SessionQuery(site))).Select(s => (s.VisitorId, s.StartMs, s.Person)));
        if (computed is not null)
            Assert.Equal(computed.Length == 0 ? [] : [computed], await Source.ComputedVisitorsAsync(all, CancellationToken.None));
    }

    [Fact]
    public void Runs_are_consecutive_days_within_the_days_and_events_limits_and_a_bigger_day_runs_alone()
    {
        DateOnly D(int offset) => FirstDay.AddDays(offset);
        var events = new Dictionary<DateOnly, long> { [D(0)] = 10, [D(1)] = 10, [D(2)] = 500, [D(3)] = 10, [D(4)] = 10, [D(6)] = 10 };
        List<List<DateOnly>> Runs(int maxDays, long maxEvents, params int[] days) =>
            SessionRefresh.Runs(days.Select(D), events, maxDays, maxEvents).ToList();

        Assert.Equal([[D(0), D(1), D(2), D(3), D(4)], [D(6)]], Runs(31, 1000, 4, 0, 2, 1, 3, 6, 0));
        Assert.Equal([[D(0), D(1)], [D(2)], [D(3), D(4)], [D(6)]], Runs(31, 100, 0, 1, 2, 3, 4, 6));
        Assert.Equal([[D(0), D(1)], [D(2), D(3)], [D(4)]], Runs(2, 1000, 0, 1, 2, 3, 4));
        Assert.Equal([[D(0)], [D(1)], [D(2)]], Runs(1, 1000, 0, 1, 2));
        Assert.Equal([[D(5), D(6), D(7)]], Runs(31, 20, 5, 6, 7)); // days 5 and 7 have no events
        Assert.Empty(Runs(31, 100));
    }

    [Fact]
    public void An_event_marks_its_day_the_day_before_within_the_tail_and_the_day_after_within_the_gap()
    {
        var o = new SessionOptions();
        DateOnly D(int offset) => FirstDay.AddDays(offset);
        Assert.Equal([D(0)], SessionDirtyMarks.AffectedDays(Midnight + 12 * 60 * Minute, Midnight + 12 * 60 * Minute, o));
        Assert.Equal([D(-1), D(0)], SessionDirtyMarks.AffectedDays(Midnight + 6 * 60 * Minute - 1, Midnight + 6 * 60 * Minute - 1, o));
        Assert.Equal([D(0)], SessionDirtyMarks.AffectedDays(Midnight + 6 * 60 * Minute, Midnight + 6 * 60 * Minute, o));
        Assert.Equal([D(0), D(1)], SessionDirtyMarks.AffectedDays(Midnight + Day - 30 * Minute, Midnight + Day - 30 * Minute, o));
        Assert.Equal([D(0)], SessionDirtyMarks.AffectedDays(Midnight + Day - 30 * Minute - 1, Midnight + Day - 30 * Minute - 1, o));
    }
}

/// <summary>The first refresh after the upgrade, on a database of its own: history written before any mark is stored too.</summary>
public abstract class StoredSessionsFirstRunTests(EngineFixture engine)
{
    [Fact]
    public async Task The_first_refresh_stores_all_history_without_marks()
    {
        var site = "s" + Guid.NewGuid().ToString("N")[..12];
        var start = DateTimeOffset.Parse("2026-09-01T00:00:00Z").ToUnixTimeMilliseconds();
        var events = Enumerable.Range(0, 40).Select(i => Event(site, $"v{i % 7}", start + i * 5 * 3_600_000L + i * Minute)).ToList();
        await InsertAsync(engine.ClickHouse, events); // straight into storage, as the release before marks wrote them
        var options = Options.Create(new SessionOptions { RefreshDelay = TimeSpan.Zero });
        var query = new SessionQuery(site, start, start + 10 * 86_400_000L);
        var source = new StoredSessions(engine.ClickHouse, options);
        Assert.Empty(await source.StoredDaysAsync(query, CancellationToken.None)); // before the first refresh: all computed

        var first = await new SessionRefresh(engine.ClickHouse, options, SessionMetrics.Unregistered(), NullLogger<SessionRefresh>.Instance)
            .RefreshOnceAsync(CancellationToken.None);
        Assert.Equal(9, first.DaysRefreshed);
        Assert.Equal(9, (await source.StoredDaysAsync(query, CancellationToken.None)).Count);
        var sql = await source.SessionsAsync(query, CancellationToken.None);
        var stored = await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM ({sql}) ORDER BY visitor_id, start_ms"), SessionJson.Default.SessionRow);
        Assert.Equal(await SessionsAsync(engine.ClickHouse, query), stored);
        Assert.Equal(Expected(events, []), stored);
    }
}

public sealed class StoredSessionsFirstRunTestsEmbedded(EmbeddedEngine engine) : StoredSessionsFirstRunTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class StoredSessionsFirstRunTestsServer(ServerEngine engine) : StoredSessionsFirstRunTests(engine), IClassFixture<ServerEngine>;

public sealed class StoredSessionsTestsEmbedded(EmbeddedEngine engine) : StoredSessionsTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class StoredSessionsTestsServer(ServerEngine engine) : StoredSessionsTests(engine), IClassFixture<ServerEngine>;
