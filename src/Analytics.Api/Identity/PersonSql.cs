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
    public static Sql LinksByVisitor(string siteId, IReadOnlyCollection<string>? visitors = null) => LinksByVisitor(siteId, Only(visitors));

    static Sql Only(IReadOnlyCollection<string>? visitors) =>
        visitors is null ? Sql.Query($"") : Sql.Query($"AND visitor_id IN {SqlInList.Of(visitors)}");

    static Sql LinksByVisitor(string siteId, Sql visitorFilter) =>
        Sql.Query($"""
            SELECT visitor_id AS vid,
                arraySort(groupArray((toUInt64(linked_at) * 1000, customer_id))) AS links,
                arrayMap(l -> l.1, links) AS link_ms,
                arrayMap(l -> l.2, links) AS link_customers
            FROM identity_links
            WHERE site_id = {siteId} {visitorFilter}
            GROUP BY visitor_id
            """);

    /// <summary>
    /// Distinct persons in a GROUP BY: <c>uniqExact</c> of a 64-bit hash of <c>person</c>. <c>uniqExact</c> of a String
    /// keeps a 128-bit hash of each; a UInt64 set is built in half the time (10 M events, 1.7 M persons: 800 → 350 ms
    /// on chDB). Two persons collide with a chance of about n²/2⁶⁵ (3·10⁻⁸ for 1.7 M): exact for any real site.
    /// </summary>
    public static readonly Sql DistinctPersons = Sql.Query($"uniqExact(cityHash64(person))");

    /// <summary>
    /// The site's shared devices: visitors linked to more than one customer. Only their events need the time of each
    /// link (<see cref="PersonAt"/>); every other linked visitor's events belong to its one customer.
    /// </summary>
    public static Sql SharedVisitors(string siteId, IReadOnlyCollection<string>? visitors = null) => Sql.Query($"""
        SELECT visitor_id FROM identity_links WHERE site_id = {siteId} {Only(visitors)} GROUP BY visitor_id HAVING uniqExact(customer_id) > 1
        """);

    /// <summary>
    /// One row per linked visitor of a site, keyed by <paramref name="key"/> (SQL over <c>visitor_id</c>, named
    /// <paramref name="keyName"/>): <c>link_count</c> (its customers), <paramref name="sole"/> (SQL over <c>any(customer_id)</c>
    /// when it has one customer, else <paramref name="none"/>), and for a shared device only (more than one customer)
    /// <c>link_ms</c> and <c>link_customers</c> as <see cref="LinksByVisitor"/> has them; empty for every other visitor,
    /// so that only a shared device's rows take the time of each link.
    /// </summary>
    static Sql VisitorLinks(string siteId, IReadOnlyCollection<string>? visitors, Sql key, string keyName, Sql sole, Sql none) => Sql.Query($"""
        SELECT {key} AS {new SqlIdentifier(keyName)}, uniqExact(customer_id) AS link_count, if(link_count = 1, {sole}, {none}) AS link_sole,
            arraySort(groupArray((toUInt64(linked_at) * 1000, customer_id))) AS all_links,
            arraySlice(all_links, 1, if(link_count > 1, length(all_links), 0)) AS shared_links,
            arrayMap(l -> l.1, shared_links) AS link_ms,
            arrayMap(l -> l.2, shared_links) AS link_customers
        FROM identity_links
        WHERE site_id = {siteId} {Only(visitors)}
        GROUP BY visitor_id
        """);

    /// <summary>
    /// The rows of a site-wide <paramref name="source"/> (which must select a column <c>vid</c>) with their <c>person</c>
    /// at the time in <paramref name="timeMs"/>: the selected <paramref name="columns"/>, then <c>person</c>. Same answer
    /// as joining <see cref="LinksByVisitor"/> and <see cref="PersonAt"/>, in one join where only a shared device (a
    /// visitor linked to more than one customer, usually none) carries link arrays: every other linked visitor's rows
    /// take its one customer from a plain column (arrays on every row took distinct persons over 10 M events from
    /// 0.8 s to 2.6–3.9 s, docs/sessions.md). One read of the source, not a part without and a part with the shared
    /// devices: ClickHouse 18.16 built the shared devices' set for every occurrence and read every column of the
    /// source before an <c>IN</c> filtered it (a range's sessions with persons: 3.2–3.4 s → 0.8–0.9 s; chDB unchanged).
    /// </summary>
    /// <param name="visitors">Narrows the links read to these visitors, when the source has no others (the 360-degree view).</param>
    /// <param name="linked">Adds a column <c>linked</c> after <c>person</c>: 1 when the visitor has an identity link.</param>
    public static Sql WithPerson(string siteId, Sql source, Sql columns, SqlIdentifier timeMs, IReadOnlyCollection<string>? visitors = null, bool linked = false) =>
        Sql.Query($"""
            SELECT {columns}, if(empty(link_ms), if(link_sole = '', vid, link_sole), {PersonAt(timeMs)}) AS person
                {(linked ? Sql.Query($", toUInt8(link_count > 0) AS linked") : Sql.Query($""))}
            FROM ({source}) AS person_source
            ANY LEFT JOIN ({VisitorLinks(siteId, visitors, Sql.Query($"visitor_id"), "vid", Sql.Query($"any(customer_id)"), Sql.Query($"''"))}) AS visitor_links USING vid
            """);

    /// <summary>
    /// <see cref="WithPerson"/> for counting: the selected <paramref name="columns"/>, then <c>person_hash</c>, the
    /// <c>cityHash64</c> of the person (what <see cref="DistinctPersons"/> counts), with no person string built per row
    /// but a shared device's. The links are keyed by the visitor's hash and hold the sole customer's hash, so the join
    /// compares and carries numbers (distinct persons by country over 10 M events: 0.9 → 0.65 s on chDB). Two
    /// visitors whose ids hash alike would share a link: a chance of about n²/2⁶⁵, as for the counted hashes.
    /// </summary>
    /// <param name="linked">Adds a column <c>linked</c> after <c>person_hash</c>: 1 when the visitor has an identity link.</param>
    /// <param name="visitors">Narrows the links read to these visitors, when the source has no others.</param>
    public static Sql WithPersonHash(string siteId, Sql source, Sql columns, SqlIdentifier timeMs, bool linked = false, IReadOnlyCollection<string>? visitors = null) =>
        Sql.Query($"""
            SELECT {columns}, if(empty(link_ms), if(link_sole = 0, vid_hash, link_sole), cityHash64({PersonAt(timeMs)})) AS person_hash
                {(linked ? Sql.Query($", toUInt8(link_count > 0) AS linked") : Sql.Query($""))}
            FROM (SELECT *, cityHash64(vid) AS vid_hash FROM ({source})) AS person_source
            ANY LEFT JOIN ({VisitorLinks(siteId, visitors, Sql.Query($"cityHash64(visitor_id)"), "vid_hash", Sql.Query($"cityHash64(any(customer_id))"), Sql.Query($"toUInt64(0)"))}) AS visitor_links USING vid_hash
            """);

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
    public static Sql EventsWithPerson(string siteId, long fromMs, long toMs)
    {
        var columns = Sql.Query($"""
            site_id, event_id, ts, ts_ms, type, name, path, vid, order_id, revenue, currency, channel, source,
            utm_source, utm_medium, utm_campaign, device, browser, os, country
            """);
        return WithPerson(siteId, Sql.Query($"""
            SELECT {columns}
            FROM events
            WHERE site_id = {siteId} AND is_bot = 0
                AND ts >= {DateTimeOffset.FromUnixTimeMilliseconds(fromMs)} AND ts_ms >= {fromMs} AND ts_ms < {toMs}
                AND ts <= {DateTimeOffset.FromUnixTimeMilliseconds(toMs)} {EventDates.From(fromMs)} {EventDates.Until(toMs)}
            """), columns, new SqlIdentifier("ts_ms"));
    }
}
