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
/// Visitor hours (<see cref="VisitorHours"/>) on both engines: per UTC day, the distinct persons and pageviews read
/// through them equal DESIGN.md's persons over the raw events, computed here, whatever happens after the refresh: new
/// identity links (a retroactive one, a shared device), new events on a stored day.
/// </summary>
public abstract class VisitorHoursTests(EngineFixture engine)
{
    static readonly long Day = 86_400_000;
    static readonly long Midnight = DateTimeOffset.Parse("2026-09-07T00:00:00Z").ToUnixTimeMilliseconds();
    readonly SessionOptions options = new() { RefreshDelay = TimeSpan.Zero };

    VisitorHours Hours => new(engine.ClickHouse, Options.Create(options));

    Task InsertMarkedAsync(IReadOnlyCollection<EventRow> events) => StoredTraffic.InsertMarkedAsync(engine.ClickHouse, events);

    async Task RefreshUntilServedAsync(string site, DateOnly first, DateOnly last)
    {
        var refresh = new SessionRefresh(engine.ClickHouse, Options.Create(options), SessionMetrics.Unregistered(), NullLogger<SessionRefresh>.Instance);
        await Eventually.UntilAsync(async () =>
        {
            await refresh.RefreshOnceAsync(CancellationToken.None);
            var (served, _) = await StoredDays.ServedAsync(engine.ClickHouse, site, first, last, TimeSpan.Zero, CancellationToken.None);
            return Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).All(i => served.TryGetValue(first.AddDays(i), out var d) && d.Hours);
        }, TimeSpan.FromSeconds(60), "every day served with its visitor hours");
    }

    /// <summary>Per UTC day of [from, to): distinct persons and pageviews, read through the visitor hours.</summary>
    async Task<Dictionary<string, (long Persons, long Pageviews)>> PerDayAsync(string site, long fromMs, long toMs)
    {
        var rows = await Hours.PersonHoursAsync(site, fromMs, toMs, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException("no visitor hours SQL");
        var days = await engine.ClickHouse.QueryListAsync(Sql.Query($"""
            SELECT toString(toDate('1970-01-01') + intDiv(toUInt32(t), 86400)) AS day, uniqExact(person_hash) AS persons, sum(pageviews) AS pageviews
            FROM ({rows}) GROUP BY day
            """), StorageJson.Default.JsonElement);
        return days.ToDictionary(d => d.GetProperty("day").GetString()!,
            d => (long.Parse(d.GetProperty("persons").ToString()), long.Parse(d.GetProperty("pageviews").ToString())));
    }

    static Dictionary<string, (long Persons, long Pageviews)> Expected(IEnumerable<EventRow> events, IReadOnlyList<IdentityLinkRow> links, long fromMs, long toMs) =>
        events.Where(e => !e.IsBot && e.TsMs >= fromMs && e.TsMs < toMs)
            .GroupBy(e => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(e.TsMs).UtcDateTime).ToString("yyyy-MM-dd"))
            .ToDictionary(g => g.Key, g => ((long)g.Select(e => Person(e.Vid, e.TsMs, links)).Distinct().Count(), (long)g.Count(e => e.Type == "pageview")));

    static List<EventRow> Traffic(string site)
    {
        var random = new Random(7);
        var events = new List<EventRow>();
        for (var v = 0; v < 40; v++)
            foreach (var day in Enumerable.Range(0, 5).OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                var t = Midnight + day * Day + random.Next(0, 24 * 60) * Minute;
                for (var i = 0; i < random.Next(1, 8); i++)
                {
                    events.Add(Event(site, $"v{v:D2}", t, random.Next(3) == 0 ? "click" : "pageview", $"/p{random.Next(4)}", bot: random.Next(30) == 0));
                    t += random.Next(1, 40) * Minute;
                }
            }
        return events;
    }

    [Fact]
    public async Task Persons_and_pageviews_through_visitor_hours_equal_the_events_whatever_arrives_after_the_refresh()
    {
        var site = "vh" + Guid.NewGuid().ToString("N")[..12];
        var events = Traffic(site);
        var links = new List<IdentityLinkRow> { Link(site, "v00", "c1", Midnight), Link(site, "v01", "c1", Midnight + 2 * Day) };
        await InsertMarkedAsync(events);
        await InsertAsync(engine.ClickHouse, links);
        var first = new DateOnly(2026, 9, 7);
        var last = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(events.Max(e => e.TsMs)).UtcDateTime);
        await RefreshUntilServedAsync(site, first, last);
        var (from, to) = (Midnight, Midnight + 6 * Day);
        Assert.Equal(Expected(events, links, from, to), await PerDayAsync(site, from, to));

        // Links after the refresh count at once: v02 turns out to be c1 (all its history), v03 is a shared device (c2, then c3).
        var later = new List<IdentityLinkRow>
        {
            Link(site, "v02", "c1", Midnight + 4 * Day), Link(site, "v03", "c2", Midnight + Day), Link(site, "v03", "c3", Midnight + 3 * Day),
        };
        await InsertAsync(engine.ClickHouse, later);
        links.AddRange(later);
        Assert.Equal(Expected(events, links, from, to), await PerDayAsync(site, from, to));

        // New events of a stored day: that day is read from the events until its next refresh, then from its hours again.
        var late = new List<EventRow> { Event(site, "late", Midnight + 2 * Day + 600 * Minute), Event(site, "v00", Midnight + 2 * Day + 601 * Minute) };
        await InsertMarkedAsync(late);
        events.AddRange(late);
        Assert.Equal(Expected(events, links, from, to), await PerDayAsync(site, from, to));
        await RefreshUntilServedAsync(site, first, last);
        Assert.Equal(Expected(events, links, from, to), await PerDayAsync(site, from, to));

        // Any whole hours of the range: from 05:00 of the second day to 17:00 of the fourth.
        var (a, b) = (Midnight + Day + 5 * 3_600_000, Midnight + 3 * Day + 17 * 3_600_000);
        Assert.Equal(Expected(events, links, a, b), await PerDayAsync(site, a, b));
    }

    [Fact]
    public async Task The_devices_last_events_compare_with_every_bound_as_the_events_do_stored_days_or_not()
    {
        var site = "ls" + Guid.NewGuid().ToString("N")[..12];
        const long Hour = 3_600_000, Second = 1_000;
        var x1 = Midnight + 10 * Hour + 20 * Minute;   // inside an hour
        var x2 = Midnight + Day + 3 * Hour;            // on an hour
        var events = new List<EventRow>
        {
            Event(site, "a", Midnight + 2 * Hour), Event(site, "a", x1 - Second),          // last just before x1, same hour
            Event(site, "b", x1),                                                          // exactly x1
            Event(site, "c", x1 + 50 * Minute),                                            // the hour after x1's
            Event(site, "d", x1 - 30 * Minute),                                            // the hour before x1's
            Event(site, "e", x2 - Second), Event(site, "e", x1 + Minute, bot: true),      // a bot's event never counts
            Event(site, "f", x2), Event(site, "f", Midnight + 5 * Hour),
            Event(site, "u", x2 + Hour),                                                   // never linked: no row
        };
        var links = "abcdef".Select(v => Link(site, v.ToString(), "C" + v, Midnight)).ToList();
        await InsertMarkedAsync(events);
        await InsertAsync(engine.ClickHouse, links);
        await RefreshUntilServedAsync(site, new DateOnly(2026, 9, 7), new DateOnly(2026, 9, 8));
        long[] bounds = [x1, x2, Midnight + 2 * Day];
        await AssertBoundsAsync();
        // After the refresh: a late event on the stored first day and one on a new day, both read from the events.
        var late = new List<EventRow> { Event(site, "d", x1 + 5 * Second), Event(site, "a", Midnight + 3 * Day + Hour) };
        await InsertMarkedAsync(late);
        events.AddRange(late);
        await AssertBoundsAsync();

        async Task AssertBoundsAsync()
        {
            foreach (var since in new long?[] { null, x1 })
            {
                var sql = await Hours.DeviceTimesAsync(site, since, bounds, CancellationToken.None);
                // Rows name devices by hash: the links' visitor ids name them back (an unlinked device would show as "").
                var rows = (await engine.ClickHouse.QueryListAsync(Sql.Query($"""
                    SELECT visitor_id AS vid, toInt64(max(row_ms)) AS ms
                    FROM ({sql}) AS device_times
                    ALL LEFT JOIN (SELECT DISTINCT visitor_id, cityHash64(visitor_id) AS vid_hash FROM identity_links WHERE site_id = {site}) AS named USING vid_hash
                    GROUP BY vid ORDER BY vid
                    """),
                    StorageJson.Default.JsonElement)).ToDictionary(r => r.GetProperty("vid").GetString()!, r => long.Parse(r.GetProperty("ms").ToString()));
                var last = events.Where(e => !e.IsBot && e.Vid != "u" && (since is null || e.TsMs >= since)).GroupBy(e => e.Vid).ToDictionary(g => g.Key, g => g.Max(e => e.TsMs));
                Assert.Equal(last.Keys.Order(), rows.Keys.Order());
                foreach (var bound in bounds)
                    Assert.Equal(last.Where(l => l.Value >= bound).Select(l => l.Key).Order(), rows.Where(r => r.Value >= bound).Select(r => r.Key).Order());
            }
        }
    }

    [Fact]
    public async Task A_range_not_of_whole_hours_is_left_to_the_events()
    {
        Assert.Null(await Hours.PersonHoursAsync("any", Midnight + 30 * Minute, Midnight + Day, CancellationToken.None));
        Assert.Null(await Hours.PersonHoursAsync("any", Midnight, Midnight + Day - 1, CancellationToken.None));
    }

    [Fact]
    public void The_days_without_visitor_hours_are_read_in_runs_of_consecutive_days()
    {
        var stored = new Dictionary<DateOnly, long> { [new(2026, 9, 8)] = 1, [new(2026, 9, 9)] = 1, [new(2026, 9, 11)] = 2 };
        var runs = VisitorHours.Runs(new DateOnly(2026, 9, 7), new DateOnly(2026, 9, 13), stored).ToList();
        Assert.Equal([(Midnight, Midnight + Day), (Midnight + 3 * Day, Midnight + 4 * Day), (Midnight + 5 * Day, Midnight + 7 * Day)], runs);
        Assert.Empty(VisitorHours.Runs(new DateOnly(2026, 9, 8), new DateOnly(2026, 9, 9), stored));
    }
}

public sealed class VisitorHoursTestsEmbedded(EmbeddedEngine engine) : VisitorHoursTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class VisitorHoursTestsServer(ServerEngine engine) : VisitorHoursTests(engine), IClassFixture<ServerEngine>;
