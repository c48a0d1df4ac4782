using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Identity;

/// <summary>
/// The person of an event, resolved at query time from <c>identity_links</c> (DESIGN.md "Semantics"): the customer of
/// the visitor's latest link at or before the event's time, else of its earliest link (retroactive: events before the
/// first login belong to it too); a visitor never linked is its own person. Events are never rewritten, so a new link
/// re-attributes history at once. One SQL for ClickHouse 18.16 and 26.7: per visitor, the links as two arrays sorted by
/// time, joined with <c>ANY LEFT JOIN … USING vid</c>, and the person picked with <c>arrayCount</c> (see docs/sessions.md).
/// </summary>
public static class PersonSql
{
    /// <summary>
    /// One row per linked visitor of a site: <c>vid</c>, <c>link_ms</c> (link times in ms, ascending) and
    /// <c>link_customers</c> (the customer of each). Links at the same second are ordered by customer id, so the
    /// answer never depends on insertion order. <paramref name="visitors"/> narrows it (the 360-degree view).
    /// </summary>
    public static Sql LinksByVisitor(string siteId, IReadOnlyCollection<string>? visitors = null)
    {
        var visitorFilter = visitors is null ? Sql.Query($"") : Sql.Query($"AND visitor_id IN {SqlInList.Of(visitors)}");
        return Sql.Query($"""
            SELECT visitor_id AS vid,
                arraySort(groupArray((toUInt64(linked_at) * 1000, customer_id))) AS links,
                arrayMap(l -> l.1, links) AS link_ms,
                arrayMap(l -> l.2, links) AS link_customers
            FROM identity_links
            WHERE site_id = {siteId} {visitorFilter}
            GROUP BY visitor_id
            """);
    }

    /// <summary>
    /// The person at the time in column <paramref name="timeMs"/> (ms), where <c>vid</c>, <c>link_ms</c> and
    /// <c>link_customers</c> are in scope (<see cref="LinksByVisitor"/> joined on <c>vid</c>). The number of links at or
    /// before the time is the index of the latest of them (the arrays are sorted); none means the earliest link.
    /// The time goes into the lambda as a second array, not as a captured column: ClickHouse 18.16 drops a column
    /// that only a lambda over a JOIN's result captures when an outer query does not select it ("Unknown identifier").
    /// </summary>
    public static Sql PersonAt(SqlIdentifier timeMs) => Sql.Query($"""
        if(empty(link_ms), vid, link_customers[greatest(1,
            arrayCount((link, at) -> link <= at, link_ms, arrayResize(emptyArrayUInt64(), length(link_ms), toUInt64({timeMs}))))])
        """);

    /// <summary>
    /// The site's non-bot events in [<paramref name="fromMs"/>, <paramref name="toMs"/>) with the columns reports use
    /// and <c>person</c>: a subquery for per-event reports (funnels, retention, revenue per person).
    /// </summary>
    public static Sql EventsWithPerson(string siteId, long fromMs, long toMs) => Sql.Query($"""
        SELECT site_id, event_id, ts, ts_ms, type, name, path, vid, order_id, revenue, currency, channel, source,
            utm_source, utm_medium, utm_campaign, device, browser, os, country, {PersonAt(new SqlIdentifier("ts_ms"))} AS person
        FROM
        (
            SELECT site_id, event_id, ts, ts_ms, type, name, path, vid, order_id, revenue, currency, channel, source,
                utm_source, utm_medium, utm_campaign, device, browser, os, country
            FROM events
            WHERE site_id = {siteId} AND is_bot = 0
                AND ts >= {DateTimeOffset.FromUnixTimeMilliseconds(fromMs)} AND ts_ms >= {fromMs} AND ts_ms < {toMs}
                AND ts <= {DateTimeOffset.FromUnixTimeMilliseconds(toMs)} {EventDates.From(fromMs)} {EventDates.Until(toMs)}
        ) AS site_events
        ANY LEFT JOIN ({LinksByVisitor(siteId)}) AS visitor_links USING vid
        """);
}
