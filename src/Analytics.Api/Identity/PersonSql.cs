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

    /// <summary>One row per visitor linked to exactly one customer: <c>vid</c>, <c>link_customer</c>.</summary>
    static Sql SoleLinks(string siteId, IReadOnlyCollection<string>? visitors = null) => Sql.Query($"""
        SELECT visitor_id AS vid, any(customer_id) AS link_customer
        FROM identity_links WHERE site_id = {siteId} {Only(visitors)}
        GROUP BY visitor_id HAVING uniqExact(customer_id) = 1
        """);

    /// <summary>
    /// The rows of a site-wide source with their <c>person</c> at the time in <paramref name="timeMs"/>: the selected
    /// <paramref name="columns"/>, then <c>person</c>. <paramref name="source"/> gets a condition on
    /// <paramref name="visitorColumn"/> to AND into its WHERE (so that the primary key narrows it) and must select a
    /// column <c>vid</c>. Same answer as joining <see cref="LinksByVisitor"/> and <see cref="PersonAt"/>, split in two:
    /// the rows of visitors with at most one customer join a plain map (no per-row arrays: distinct persons over
    /// 10 M events in half the time or less, docs/sessions.md), and the rows of shared devices, usually none, take the link times.
    /// </summary>
    /// <param name="visitors">Narrows the links read to these visitors, when the source has no others (the 360-degree view).</param>
    /// <param name="linked">Adds a column <c>linked</c> after <c>person</c>: 1 when the visitor has an identity link.</param>
    /// <param name="named">The site's shared devices, when the caller has read them (<see cref="SharedDevices"/>): named
    /// in the SQL instead of a subquery, and their part left out when there are none.</param>
    public static Sql WithPerson(string siteId, SqlIdentifier visitorColumn, Func<Sql, Sql> source, Sql columns, SqlIdentifier timeMs,
        IReadOnlyCollection<string>? visitors = null, bool linked = false, IReadOnlyList<string>? named = null)
    {
        var (notShared, isShared) = SharedConditions(siteId, visitors, named);
        var (soleLinked, sharedLinked) = linked
            ? (Sql.Query($", toUInt8(link_customer != '') AS linked"), Sql.Query($", toUInt8(1) AS linked"))
            : (Sql.Query($""), Sql.Query($""));
        var sole = Sql.Query($"""
            SELECT {columns}, if(link_customer = '', vid, link_customer) AS person {soleLinked}
            FROM ({source(notShared(visitorColumn))}) AS sole_source
            ANY LEFT JOIN ({SoleLinks(siteId, visitors)}) AS sole_links USING vid
            """);
        if (isShared is null) return sole;
        return Sql.Query($"""
            {sole}
            UNION ALL
            SELECT {columns}, {PersonAt(timeMs)} AS person {sharedLinked}
            FROM ({source(isShared(visitorColumn))}) AS shared_source
            ANY LEFT JOIN ({LinksByVisitor(siteId, isShared(new SqlIdentifier("visitor_id")))}) AS visitor_links USING vid
            """);
    }

    /// <summary>
    /// <see cref="WithPerson"/> for a source with few rows next to the site's links (a range's survey answers, the last
    /// minutes' events): one join with the link times of the source's own visitors (<see cref="LinksByVisitor"/>,
    /// <see cref="PersonAt"/>). Same answer; the split of <see cref="WithPerson"/> reads every link of the site three times
    /// to spare a large source the per-row arrays, which a few rows do not need (56 633 answers of 28 days, 160 k links:
    /// 0.21 → 0.07 s on chDB). <paramref name="source"/> is read twice (its visitors narrow the links) and selects
    /// <c>vid</c> and <paramref name="timeMs"/>.
    /// </summary>
    /// <param name="linked">Adds a column <c>linked</c> after <c>person</c>: 1 when the visitor has an identity link.</param>
    public static Sql WithPersonOfFew(string siteId, Sql source, Sql columns, SqlIdentifier timeMs, bool linked = false)
    {
        var linkedColumn = linked ? Sql.Query($", toUInt8(notEmpty(link_ms)) AS linked") : Sql.Query($"");
        return Sql.Query($"""
            SELECT {columns}, {PersonAt(timeMs)} AS person {linkedColumn}
            FROM ({source}) AS few_source
            ANY LEFT JOIN ({LinksByVisitor(siteId, Sql.Query($"AND visitor_id IN (SELECT vid FROM ({source}) AS few_visitors)"))}) AS visitor_links USING vid
            """);
    }

    /// <summary>
    /// The conditions (to AND into a WHERE) on a visitor column for the rows of visitors with at most one customer and
    /// for those of shared devices: over the subquery <see cref="SharedVisitors"/>, or over <paramref name="named"/>
    /// devices; with none named, no condition and no shared part (null).
    /// </summary>
    static (Func<SqlIdentifier, Sql> NotShared, Func<SqlIdentifier, Sql>? IsShared) SharedConditions(string siteId,
        IReadOnlyCollection<string>? visitors, IReadOnlyList<string>? named) => named switch
    {
        null => (c => Sql.Query($"AND {c} NOT IN ({SharedVisitors(siteId, visitors)})"), c => Sql.Query($"AND {c} IN ({SharedVisitors(siteId, visitors)})")),
        { Count: 0 } => (_ => Sql.Query($""), null),
        _ => (c => Sql.Query($"AND {c} NOT IN {SqlInList.Of(named)}"), c => Sql.Query($"AND {c} IN {SqlInList.Of(named)}")),
    };

    /// <summary>
    /// <see cref="WithPerson"/> for counting: the selected <paramref name="columns"/>, then <c>person_hash</c>, the
    /// <c>cityHash64</c> of the person (what <see cref="DistinctPersons"/> counts), with no person string built per row.
    /// The plain map of visitors with one customer is keyed by the visitor's hash and holds the customer's hash, so the
    /// join compares and carries numbers (distinct persons by country over 10 M events: 0.9 → 0.65 s on chDB). Two
    /// visitors whose ids hash alike would share a link: a chance of about n²/2⁶⁵, as for the counted hashes.
    /// </summary>
    /// <param name="linked">Adds a column <c>linked</c> after <c>person_hash</c>: 1 when the visitor has an identity link.</param>
    /// <param name="visitors">Narrows the links read to these visitors, when the source has no others.</param>
    /// <param name="named">As for <see cref="WithPerson"/>.</param>
    public static Sql WithPersonHash(string siteId, SqlIdentifier visitorColumn, Func<Sql, Sql> source, Sql columns, SqlIdentifier timeMs, bool linked = false,
        IReadOnlyCollection<string>? visitors = null, IReadOnlyList<string>? named = null)
    {
        var (notShared, isShared) = SharedConditions(siteId, visitors, named);
        var (soleLinked, sharedLinked) = linked
            ? (Sql.Query($", toUInt8(link_hash != 0) AS linked"), Sql.Query($", toUInt8(1) AS linked"))
            : (Sql.Query($""), Sql.Query($""));
        var sole = Sql.Query($"""
            SELECT {columns}, if(link_hash = 0, vid_hash, link_hash) AS person_hash {soleLinked}
            FROM (SELECT *, cityHash64(vid) AS vid_hash FROM ({source(notShared(visitorColumn))})) AS sole_source
            ANY LEFT JOIN
            (
                SELECT cityHash64(visitor_id) AS vid_hash, cityHash64(any(customer_id)) AS link_hash
                FROM identity_links WHERE site_id = {siteId} {Only(visitors)}
                GROUP BY visitor_id HAVING uniqExact(customer_id) = 1
            ) AS sole_links USING vid_hash
            """);
        if (isShared is null) return sole;
        return Sql.Query($"""
            {sole}
            UNION ALL
            SELECT {columns}, cityHash64({PersonAt(timeMs)}) AS person_hash {sharedLinked}
            FROM ({source(isShared(visitorColumn))}) AS shared_source
            ANY LEFT JOIN ({LinksByVisitor(siteId, isShared(new SqlIdentifier("visitor_id")))}) AS visitor_links USING vid
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
    public static Sql EventsWithPerson(string siteId, long fromMs, long toMs)
    {
        var columns = Sql.Query($"""
            site_id, event_id, ts, ts_ms, type, name, path, vid, order_id, revenue, currency, channel, source,
            utm_source, utm_medium, utm_campaign, device, browser, os, country
            """);
        return WithPerson(siteId, new SqlIdentifier("vid"), visitors => Sql.Query($"""
            SELECT {columns}
            FROM events
            WHERE site_id = {siteId} AND is_bot = 0
                AND ts >= {DateTimeOffset.FromUnixTimeMilliseconds(fromMs)} AND ts_ms >= {fromMs} AND ts_ms < {toMs}
                AND ts <= {DateTimeOffset.FromUnixTimeMilliseconds(toMs)} {EventDates.From(fromMs)} {EventDates.Until(toMs)} {visitors}
            """), columns, new SqlIdentifier("ts_ms"));
    }
}
