using Analytics.Ingestion;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Sessions;

/// <summary>
/// Marks the (site, UTC day) pairs whose stored sessions an insert of events may change, in <c>session_dirty_days</c>
/// with the server's time (docs/sessions.md "Stored sessions"): the events writer calls it before each insert attempt
/// and after the insert, so the marks carry the time the rows become visible, even for a spool replayed after an outage.
/// One row per affected (site, day) per call: a batch's rows collapse to a few rows, whatever their number.
/// </summary>
public sealed class SessionDirtyMarks(IClickHouse clickHouse, IOptions<SessionOptions> options) : ISpoolInsertHook
{
    const long DayMs = 86_400_000;

    public Task RowsStoringAsync(IReadOnlyList<SpooledRowKey> rows, CancellationToken ct) =>
        MarkAsync(rows.Select(r => (r.SiteId, (long)r.Ts * 1000, (long)r.Ts * 1000 + 999)), ct); // ts has seconds: the whole second

    /// <summary>Marks the days affected by events of each site at times in [FromMs, ToMs] (inclusive).</summary>
    public async Task MarkAsync(IEnumerable<(string SiteId, long FromMs, long ToMs)> events, CancellationToken ct)
    {
        var o = options.Value;
        var bySite = events.GroupBy(e => e.SiteId)
            .Select(site => (Site: site.Key, Days: site.SelectMany(e => AffectedDays(e.FromMs, e.ToMs, o)).Distinct().Order().ToList()));
        foreach (var (site, days) in bySite)
            await clickHouse.ExecuteAsync(Sql.Query($"INSERT INTO session_dirty_days (site_id, day) SELECT {site}, arrayJoin({days})"), ct);
    }

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
