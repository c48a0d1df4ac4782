using System.Text.Json.Serialization;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Sessions;

/// <summary>
/// Visitor hours (docs/sessions.md "Visitor hours"): per (site, UTC hour, visitor) the non-bot events and pageviews,
/// written by the session refresh for each day it refreshes, under that day's generation. A report that counts
/// distinct persons and pageviews over whole hours reads these rows for the served days (a tenth of the events or
/// fewer) and the events only for the rest; the person is still resolved at query time, so a new identity link counts
/// at once. Shared devices (visitors linked to several customers) are read from the events on every day: their person
/// depends on each event's time, which an hour does not keep.
/// </summary>
public sealed class VisitorHours(IClickHouse clickHouse, IOptions<SessionOptions> options)
{
    public const string Table = "visitor_hours";
    const long HourMs = 3_600_000;
    const long DayMs = 86_400_000;
    static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>The INSERT of the visitor hours of the events in [<paramref name="fromMs"/>, <paramref name="toMs"/>) (whole UTC days) under <paramref name="generation"/>.</summary>
    public static Sql Refresh(string siteId, long fromMs, long toMs, long generation) => Sql.Query($"""
        INSERT INTO visitor_hours (site_id, visitor_id, vid_hash, hour, events, pageviews, day, generation)
        SELECT site_id, vid, cityHash64(vid), hour, count(), countIf(type = 'pageview'),
            toDate('1970-01-01') + intDiv(toUInt32(hour), 86400), toUInt64({generation})
        FROM
        (
            SELECT site_id, vid, type, toDateTime(intDiv(ts_ms, 3600000) * 3600) AS hour
            FROM events
            WHERE {EventsIn(siteId, fromMs, toMs)}
        ) AS hour_events
        GROUP BY site_id, vid, hour
        """);

    /// <summary>
    /// Rows with columns <c>t</c> (DateTime: an hour, or an event's time), <c>person_hash</c> (<c>cityHash64</c> of the
    /// person, as <see cref="PersonSql.DistinctPersons"/> counts them) and <c>pageviews</c>, whose distinct person hashes
    /// and pageview sum over any whole hours of [<paramref name="fromMs"/>, <paramref name="toMs"/>) equal those of the
    /// site's non-bot events there: the visitor hours of the served days, the events of the others. Null when the range
    /// is not whole UTC hours or stored sessions are off.
    /// </summary>
    public async ValueTask<Sql?> PersonHoursAsync(string siteId, long fromMs, long toMs, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Stored || fromMs % HourMs != 0 || toMs % HourMs != 0 || fromMs >= toMs) return null;
        var (firstDay, lastDay) = (DayOf(fromMs), DayOf(toMs - 1));
        var servedDays = StoredDays.ServedAsync(clickHouse, siteId, firstDay, lastDay, o.RefreshDelay, ct);
        var sharedDevices = clickHouse.QueryListAsync(Sql.Query($"""
            SELECT visitor_id FROM identity_links WHERE site_id = {siteId} GROUP BY visitor_id HAVING uniqExact(customer_id) > 1
            """), VisitorHoursJson.Default.VisitorRow, ct);
        var (served, _) = await servedDays;
        var shared = (await sharedDevices).Select(v => v.VisitorId).ToList();
        var hours = served.Where(d => d.Value.Hours).ToDictionary(d => d.Key, d => d.Value.Generation);

        // Visitor hours of the served days, and the events of the other days (in runs of consecutive days), by vid_hash:
        // one join with the visitors' sole customers for both. Shared devices are left out of both, so any link row of a
        // visitor names its one customer (ANY JOIN, no GROUP BY over the links).
        var parts = new List<Sql>();
        if (hours.Count > 0)
            parts.Add(Sql.Query($"""
                SELECT hour AS t, vid_hash, pageviews FROM visitor_hours
                WHERE site_id = {siteId} AND {StoredDays.Current(hours)} AND hour >= toDateTime({fromMs / 1000}) AND hour < toDateTime({toMs / 1000})
                    {(shared.Count == 0 ? Sql.Query($"") : Sql.Query($"AND visitor_id NOT IN {SqlInList.Of(shared)}"))}
                """));
        var runs = Runs(firstDay, lastDay, hours).Select(run => (From: Math.Max(fromMs, run.FromMs), To: Math.Min(toMs, run.ToMs)))
            .Select(r => Sql.Query($"""
                (ts >= {DateTimeOffset.FromUnixTimeMilliseconds(r.From)} AND ts <= {DateTimeOffset.FromUnixTimeMilliseconds(r.To)} AND ts_ms >= {r.From} AND ts_ms < {r.To})
                """)).ToList();
        if (runs.Count > 0)
            parts.Add(Sql.Query($"""
                SELECT ts AS t, cityHash64(vid) AS vid_hash, toUInt64(type = 'pageview') AS pageviews FROM events
                WHERE {EventsIn(siteId, fromMs, toMs)} AND ({runs.Aggregate((x, y) => Sql.Query($"{x} OR {y}"))})
                    {(shared.Count == 0 ? Sql.Query($"") : Sql.Query($"AND vid NOT IN {SqlInList.Of(shared)}"))}
                """));
        var sole = Sql.Query($"""
            SELECT t, if(link_customer = '', vid_hash, cityHash64(link_customer)) AS person_hash, pageviews
            FROM ({parts.Aggregate((x, y) => Sql.Query($"{x} UNION ALL {y}"))}) AS visitor_rows
            ANY LEFT JOIN
            (
                SELECT cityHash64(visitor_id) AS vid_hash, customer_id AS link_customer FROM identity_links WHERE site_id = {siteId}
            ) AS sole_links USING vid_hash
            """);
        if (shared.Count == 0) return sole;
        var sharedEvents = PersonSql.WithPerson(siteId, new SqlIdentifier("vid"), visitors => Sql.Query($"""
            SELECT ts, ts_ms, type, vid FROM events WHERE {EventsIn(siteId, fromMs, toMs)} AND vid IN {SqlInList.Of(shared)} {visitors}
            """), Sql.Query($"ts, type"), new SqlIdentifier("ts_ms"));
        return Sql.Query($"""
            {sole}
            UNION ALL
            SELECT ts AS t, cityHash64(person) AS person_hash, toUInt64(type = 'pageview') AS pageviews FROM ({sharedEvents}) AS shared_events
            """);
    }

    /// <summary>
    /// Times of the non-bot events of each linked device (visitors with an identity link) from <paramref name="sinceMs"/>
    /// on (all time when null): rows (vid_hash, row_ms), vid_hash being <c>cityHash64</c> of the visitor id, exact wherever
    /// they are compared with a bound of <paramref name="boundsMs"/>: a device has a row with row_ms ≥ X exactly when it has
    /// an event at or after X, for every bound X (<paramref name="sinceMs"/> must be one), so the maximum per device is its
    /// last event for every bound. The served days' visitor hours give the start of each hour (never later than its
    /// events, a tenth of the rows or fewer); the hours that hold a bound and the other days give their events' times. So
    /// an event after a bound's hour counts from its hour's start, which is past the bound, and one in that hour counts
    /// exactly. Without stored sessions, the events alone. Devices go by their hash, which visitor_hours stores: a set of
    /// numbers is built and probed faster than one of strings, and the hours' visitor ids need not be read.
    /// </summary>
    public async ValueTask<Sql> DeviceTimesAsync(string siteId, long? sinceMs, IReadOnlyCollection<long> boundsMs, CancellationToken ct)
    {
        var linked = Sql.Query($"(SELECT cityHash64(visitor_id) FROM identity_links WHERE site_id = {siteId})");
        var since = sinceMs is { } ms
            ? Sql.Query($"AND ts >= {DateTimeOffset.FromUnixTimeMilliseconds(ms)} AND ts_ms >= {ms} {EventDates.From(ms)}") : Sql.Query($"");
        var allEvents = Sql.Query($"""
            SELECT cityHash64(vid) AS vid_hash, ts_ms AS row_ms FROM events
            WHERE site_id = {siteId} AND is_bot = 0 {since} AND cityHash64(vid) IN {linked}
            """);
        if (!options.Value.Stored) return allEvents;
        var (served, known) = await StoredDays.ServedAsync(clickHouse, siteId, sinceMs is { } f ? DayOf(f) : null, null, options.Value.RefreshDelay, ct);
        var hours = served.Where(d => d.Value.Hours).ToDictionary(d => d.Key, d => d.Value.Generation);
        if (hours.Count == 0) return allEvents;
        var boundHours = boundsMs.Select(b => b - (b % HourMs + HourMs) % HourMs).Distinct().Order().ToList();
        var eventDays = known.Where(d => !hours.ContainsKey(d)).ToList();
        // Each hour with its day, which is in the events' key (ts_ms is not): the read skips the other days.
        var exact = boundHours.Select(h => Sql.Query($"(toDate(ts) = {DayOf(h)} AND ts_ms >= {h} AND ts_ms < {h + HourMs})")).ToList();
        if (eventDays.Count > 0) exact.Add(Sql.Query($"toDate(ts) IN {SqlInList.Of(eventDays)}"));
        var fromHours = Sql.Query($"""
            SELECT vid_hash, toUInt64(toUnixTimestamp(hour)) * 1000 AS row_ms FROM visitor_hours
            WHERE site_id = {siteId} AND {StoredDays.Current(hours)} AND vid_hash IN {linked}
                {(sinceMs is { } s ? Sql.Query($"AND hour >= toDateTime({s / 1000})") : Sql.Query($""))}
                {(boundHours.Count == 0 ? Sql.Query($"") : Sql.Query($"AND toUInt64(toUnixTimestamp(hour)) * 1000 NOT IN {SqlInList.Of(boundHours)}"))}
            """);
        var fromEvents = exact.Count == 0 ? Sql.Query($"") : Sql.Query($"""
            UNION ALL
            SELECT cityHash64(vid) AS vid_hash, ts_ms AS row_ms FROM events
            WHERE site_id = {siteId} AND is_bot = 0 {since} AND cityHash64(vid) IN {linked} AND ({exact.Aggregate((x, y) => Sql.Query($"{x} OR {y}"))})
            """);
        return Sql.Query($"{fromHours} {fromEvents}");
    }

    /// <summary>The site's non-bot events in [fromMs, toMs), with the conditions that narrow the events' key by date.</summary>
    static Sql EventsIn(string siteId, long fromMs, long toMs) => Sql.Query($"""
        site_id = {siteId} AND is_bot = 0
            AND ts >= {DateTimeOffset.FromUnixTimeMilliseconds(fromMs)} AND ts_ms >= {fromMs} AND ts_ms < {toMs}
            AND ts <= {DateTimeOffset.FromUnixTimeMilliseconds(toMs)} {EventDates.From(fromMs)} {EventDates.Until(toMs)}
        """);

    /// <summary>The days of [first, last] not in <paramref name="stored"/>, as runs of consecutive days [from ms, to ms).</summary>
    internal static IEnumerable<(long FromMs, long ToMs)> Runs(DateOnly first, DateOnly last, IReadOnlyDictionary<DateOnly, long> stored)
    {
        long? start = null;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var ms = (day.DayNumber - Epoch) * DayMs;
            if (!stored.ContainsKey(day)) start ??= ms;
            else if (start is { } s)
            {
                yield return (s, ms);
                start = null;
            }
        }
        if (start is { } open) yield return (open, (last.DayNumber - Epoch + 1) * DayMs);
    }

    static DateOnly DayOf(long ms) => DateOnly.FromDayNumber(Epoch + (int)(ms >= 0 ? ms / DayMs : (ms - DayMs + 1) / DayMs));

    internal sealed record VisitorRow(string VisitorId);
}

[JsonSerializable(typeof(VisitorHours.VisitorRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class VisitorHoursJson : JsonSerializerContext;
