using System.Collections.Concurrent;
using Analytics.Ingestion;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Sessions;

/// <summary>
/// Marks the (site, UTC day) pairs whose stored sessions an insert of events may change, in <c>session_dirty_days</c>
/// with the server's time (docs/sessions.md "Stored sessions"): the events writer calls it before each insert attempt
/// and after the insert, so the marks carry the time the rows become visible, even for a spool replayed after an outage.
/// One row per affected (site, day) per call, and none for a pair marked in the last few seconds: a batch's rows
/// collapse to a few rows, whatever their number.
/// </summary>
public sealed class SessionDirtyMarks(IClickHouse clickHouse, IOptions<SessionOptions> options) : ISpoolInsertHook
{
    const long DayMs = 86_400_000;

    public Task RowsStoringAsync(IReadOnlyList<SpooledRowKey> rows, CancellationToken ct) =>
        MarkAsync(rows.Select(r => (r.SiteId, (long)r.Ts * 1000, (long)r.Ts * 1000 + 999)), ct); // ts has seconds: the whole second

    readonly ConcurrentDictionary<(string Site, DateOnly Day), long> lastMarked = new();

    /// <summary>Marks the days affected by events of each site at times in [FromMs, ToMs] (inclusive).</summary>
    public async Task MarkAsync(IEnumerable<(string SiteId, long FromMs, long ToMs)> events, CancellationToken ct)
    {
        var o = options.Value;
        var now = Environment.TickCount64;
        var bySite = events.GroupBy(e => e.SiteId)
            .Select(site => (Site: site.Key, Days: site.SelectMany(e => AffectedDays(e.FromMs, e.ToMs, o)).Distinct()
                .Where(day => !MarkedRecently(site.Key, day, now, o)).Order().ToList()))
            .Where(site => site.Days.Count > 0);
        foreach (var (site, days) in bySite)
        {
            await clickHouse.ExecuteAsync(Sql.Query($"INSERT INTO session_dirty_days (site_id, day) SELECT {site}, arrayJoin({days})"), ct);
            foreach (var day in days) lastMarked[(site, day)] = now;
        }
        if (lastMarked.Count > 10_000)
            foreach (var old in lastMarked.Where(m => now - m.Value > Throttle(o).TotalMilliseconds).ToList()) lastMarked.TryRemove(old);
    }

    /// <summary>
    /// A (site, day) marked less than <see cref="Throttle"/> ago needs no new mark: a refresh takes a mark only once
    /// it is <see cref="SessionOptions.RefreshDelay"/> old, so rows visible within the delay minus the throttle of
    /// the last mark are in it. Keeps the marks to about one per (site, day) per 5 s, whatever the event rate.
    /// </summary>
    bool MarkedRecently(string site, DateOnly day, long now, SessionOptions o) =>
        lastMarked.TryGetValue((site, day), out var at) && now - at < Throttle(o).TotalMilliseconds;

    static TimeSpan Throttle(SessionOptions o) => TimeSpan.FromTicks(Math.Min(o.RefreshDelay.Ticks / 10, TimeSpan.FromSeconds(5).Ticks));

    /// <summary>
    /// The days whose sessions an event in [fromMs, toMs] can change. Sessions starting on day X are computed from the
    /// events in [X − gap, X + 1 day + tail) (<see cref="SessionSql"/>'s range), so an event at t touches the days X with
    /// t − 1 day − tail &lt; X ≤ t + gap: its own day, the day before while t is within the tail after midnight, the
    /// day after while t is within the gap before it.
    /// </summary>
    public static IEnumerable<DateOnly> AffectedDays(long fromMs, long toMs, SessionOptions o)
    {
        var first = FloorDay(fromMs - DayMs - (long)o.Tail.TotalMilliseconds) + 1;
        var last = FloorDay(toMs + (long)o.Gap.TotalMilliseconds);
        for (var day = first; day <= last; day++) yield return DateOnly.FromDayNumber(Epoch + (int)day);
    }

    static long FloorDay(long ms) => ms >= 0 ? ms / DayMs : (ms - DayMs + 1) / DayMs;

    static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;
}
