using Analytics.Identity;
using Analytics.Storage;

namespace Analytics.Sessions;

/// <summary>
/// Which sessions to compute: a site's sessions that start in [<see cref="FromMs"/>, <see cref="ToMs"/>) (either bound
/// may be open), optionally only of some visitors (the 360-degree view passes a customer's devices).
/// </summary>
public sealed record SessionQuery(string SiteId, long? FromMs = null, long? ToMs = null, IReadOnlyCollection<string>? Visitors = null);

/// <summary>
/// Sessions computed at query time from the stored events (so late, imported and out-of-order events count as if they
/// had arrived in order), one SQL for ClickHouse 18.16 and 26.7 (no window functions): per visitor the non-bot events
/// sorted by time (ties by event id, a fixed if arbitrary order), session starts where the gap to the previous event is more than
/// <see cref="SessionOptions.Gap"/> (milliseconds, <c>ts_ms</c>), then one row per session by ARRAY JOIN over the start
/// and end positions, its facts read off the sorted arrays. docs/sessions.md explains the model and the timings.
/// </summary>
public static class SessionSql
{
    /// <summary>
    /// A SELECT of one row per session, to be used as a subquery (<c>FROM ({SessionSql.Build(…)})</c>). Columns:
    /// site_id, visitor_id, person, start_ms, end_ms, duration_ms, events, pageviews, bounce (1/0), entry_path,
    /// exit_path (first/last pageview's path, '' without one), and of the first event: channel, source, utm_campaign,
    /// device, browser, os, country. The person is that of the session's last event (a login during a session claims it).
    /// </summary>
    public static Sql Build(SessionQuery query, SessionOptions options)
    {
        var gapMs = (long)options.Gap.TotalMilliseconds;
        var tailMs = (long)options.Tail.TotalMilliseconds;
        return Sql.Query($"""
            SELECT site_id, visitor_id, person, start_ms, end_ms, duration_ms, events, pageviews, bounce, entry_path, exit_path,
                channel, source, utm_campaign, device, browser, os, country
            FROM
            (
                SELECT site_id, vid AS visitor_id,
                    times[first_i] AS start_ms,
                    times[last_i] AS end_ms,
                    end_ms - start_ms AS duration_ms,
                    last_i - first_i + 1 AS events,
                    arraySlice(pageview_flags, first_i, events) AS session_pageview_flags,
                    arraySum(session_pageview_flags) AS pageviews,
                    toUInt8(events = 1 AND pageview_flags[first_i] = 1) AS bounce,
                    arrayFirst((p, f) -> f = 1, arraySlice(paths, first_i, events), session_pageview_flags) AS entry_path,
                    arrayFirst((p, f) -> f = 1, arrayReverse(arraySlice(paths, first_i, events)), arrayReverse(session_pageview_flags)) AS exit_path,
                    splitByChar('\x1F', first_facts[first_i]) AS facts,
                    facts[1] AS channel,
                    facts[2] AS device,
                    facts[3] AS country,
                    facts[4] AS browser,
                    facts[5] AS os,
                    facts[6] AS source,
                    arrayStringConcat(arraySlice(facts, 7), '\x1F') AS utm_campaign,
                    {PersonSql.PersonAt(new SqlIdentifier("end_ms"))} AS person
                FROM
                (
                    SELECT site_id, vid,
                        groupArray((ts_ms, event_id)) AS keys,
                        arrayMap(k -> k.1, arraySort(keys)) AS times,
                        arraySort((x, k) -> k, groupArray(toUInt8(type = 'pageview')), keys) AS pageview_flags,
                        arraySort((x, k) -> k, groupArray(path), keys) AS paths,
                        arraySort((x, k) -> k, groupArray({FirstFacts}), keys) AS first_facts,
                        arrayFilter((i, d) -> i = 1 OR d > {gapMs}, arrayEnumerate(times), arrayDifference(times)) AS starts,
                        arrayMap(next -> toUInt64(next - 1), arrayPushBack(arrayPopFront(starts), length(times) + 1)) AS ends
                    FROM events
                    WHERE site_id = {query.SiteId} AND is_bot = 0 {EventFilter(query, gapMs, tailMs)}
                    GROUP BY site_id, vid
                ) AS visitor_events
                ANY LEFT JOIN ({PersonSql.LinksByVisitor(query.SiteId, query.Visitors)}) AS visitor_links USING vid
                ARRAY JOIN starts AS first_i, ends AS last_i
            ) AS sessions
            WHERE 1 {StartFilter(query)}
            """);
    }

    /// <summary>
    /// The events that can belong to a session starting in the range: from one gap before it (an earlier session's
    /// tail then shows as a session starting before the range, which is dropped) to the tail after it. The bounds on
    /// <c>ts</c> let the primary key and the monthly partitions skip the rest.
    /// </summary>
    static Sql EventFilter(SessionQuery query, long gapMs, long tailMs)
    {
        var from = query.FromMs is { } f ? Math.Max(0, f - gapMs) : (long?)null;
        var to = query.ToMs is { } t ? t + tailMs : (long?)null;
        var fromFilter = from is { } lo
            ? Sql.Query($"AND ts >= {DateTimeOffset.FromUnixTimeMilliseconds(lo)} AND ts_ms >= {lo}") : Sql.Query($"");
        var toFilter = to is { } hi
            ? Sql.Query($"AND ts <= {DateTimeOffset.FromUnixTimeMilliseconds(hi)} AND ts_ms < {hi}") : Sql.Query($"");
        var visitorFilter = query.Visitors is { } visitors ? Sql.Query($"AND vid IN {SqlInList.Of(visitors)}") : Sql.Query($"");
        return Sql.Query($"{fromFilter} {toFilter} {visitorFilter}");
    }

    /// <summary>
    /// The first-event facts of a session in one string a event (unit separator between them): one string array
    /// sorts in a third of the time of seven (measured on 18.16). The free-text fields lose a stray separator
    /// (it becomes a space), except the campaign, which is last and joined back whole.
    /// </summary>
    static readonly Sql FirstFacts = Sql.Query($"""
        concat(channel, '\x1F', device, '\x1F', country, '\x1F', replaceAll(browser, '\x1F', ' '), '\x1F',
            replaceAll(os, '\x1F', ' '), '\x1F', replaceAll(source, '\x1F', ' '), '\x1F', utm_campaign)
        """);

    static Sql StartFilter(SessionQuery query)
    {
        var fromFilter = query.FromMs is { } f ? Sql.Query($"AND start_ms >= {f}") : Sql.Query($"");
        var toFilter = query.ToMs is { } t ? Sql.Query($"AND start_ms < {t}") : Sql.Query($"");
        return Sql.Query($"{fromFilter} {toFilter}");
    }
}
