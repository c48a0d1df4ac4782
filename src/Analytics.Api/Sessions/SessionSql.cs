using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Sessions;

/// <summary>
/// Which sessions to compute: a site's sessions that start in [<see cref="FromMs"/>, <see cref="ToMs"/>) (either bound
/// may be open), optionally only of some visitors (the 360-degree view passes a customer's devices), or only of the
/// visitors with an identity link (<see cref="LinkedOnly"/>: a customer's first touch needs no anonymous device's sessions).
/// </summary>
/// <see cref="WithoutPerson"/> leaves <c>person</c> empty and reads no identity links: for counts of sessions, which need none.
/// <see cref="WithValues"/> adds the session's value sets (<see cref="SessionSql.ValueColumns"/>) before <c>person</c>: for breakdowns.
/// <see cref="WithShopping"/> adds its products viewed and orders placed (<see cref="SessionSql.ShoppingColumns"/>) after those: for the affinity report.
/// <see cref="VisitorsOf"/> keeps the visitors a subquery selects (a SELECT of one column of visitor ids): for a report
/// that needs the sessions of some visitors only (the surveys' answerers), so that the stored sessions are filtered as
/// they are read, not after every session of the range has been assembled.
/// <see cref="PersonHash"/> gives <c>person_hash</c> (<c>cityHash64</c> of the person) in place of <c>person</c>: for
/// reports that count or join persons, without a person string per session. <see cref="SharedDevices"/>: the site's
/// shared devices when the caller has read them (<see cref="Identity.SharedDevices"/>), named in the persons' SQL.
public sealed record SessionQuery(string SiteId, long? FromMs = null, long? ToMs = null, IReadOnlyCollection<string>? Visitors = null,
    bool LinkedOnly = false, bool WithoutPerson = false, bool WithValues = false, bool WithShopping = false, Sql? VisitorsOf = null,
    bool PersonHash = false, IReadOnlyList<string>? SharedDevices = null)
{
    /// <summary>The condition on a visitor column that <see cref="Visitors"/>, <see cref="LinkedOnly"/> and <see cref="VisitorsOf"/> ask for ('' for none), to AND into a WHERE.</summary>
    public Sql VisitorCondition(SqlIdentifier column)
    {
        var listed = Visitors is { } visitors ? Sql.Query($"AND {column} IN {SqlInList.Of(visitors)}") : Sql.Query($"");
        var linked = LinkedOnly ? Sql.Query($"AND {column} IN (SELECT visitor_id FROM identity_links WHERE site_id = {SiteId})") : Sql.Query($"");
        var selected = VisitorsOf is { } subquery ? Sql.Query($"AND {column} IN ({subquery})") : Sql.Query($"");
        return Sql.Query($"{listed} {linked} {selected}");
    }
}

/// <summary>
/// Sessions computed at query time from the stored events (so late, imported and out-of-order events count as if they
/// had arrived in order), one SQL for ClickHouse 18.16 and 26.7 (no window functions): per visitor the non-bot events
/// sorted by time (ties by event id, a fixed if arbitrary order), session starts where the gap to the previous event is more than
/// <see cref="SessionOptions.Gap"/> (milliseconds, <c>ts_ms</c>), the facts as per-session arrays, then one row per
/// session by ARRAY JOIN of those (no per-event array is copied into each session row). docs/sessions.md explains
/// the steps and the timings.
/// </summary>
public static class SessionSql
{
    /// <summary>
    /// A SELECT of one row per session, to be used as a subquery (<c>FROM ({SessionSql.Build(…)})</c>). Columns, in
    /// <see cref="PersonColumns"/>' order: site_id, visitor_id, start_ms, end_ms, duration_ms, events, pageviews, bounce
    /// (1/0), entry_path, exit_path (first/last pageview's path, '' without one), and of the first event: channel,
    /// source, utm_campaign, device, browser, os, country; then person, that of the session's last event (a login during
    /// a session claims it).
    /// </summary>
    public static Sql Build(SessionQuery query, SessionOptions options)
    {
        var values = OptionalColumns(query);
        Sql Source(Sql visitors) => Sql.Query($"""
            SELECT site_id, visitor_id AS vid, start_ms, end_ms, duration_ms, events, pageviews, bounce, entry_path, exit_path,
                channel, source, utm_campaign, device, browser, os, country {values}
            FROM ({Sessions(query, options, visitors, query.WithValues, query.WithShopping)}) AS session_facts
            """);
        return WithPerson(query, new SqlIdentifier("vid"), Source, Sql.Query($"{PersonColumns} {values}"));
    }

    /// <summary>
    /// The sessions of <paramref name="source"/> (which selects <c>vid</c> and takes a condition on
    /// <paramref name="visitorColumn"/>) with <paramref name="columns"/>, then the person of the session's last event:
    /// <c>person</c>, '' with <see cref="SessionQuery.WithoutPerson"/>, or <c>person_hash</c> (its <c>cityHash64</c>, no
    /// person string per session) with <see cref="SessionQuery.PersonHash"/>.
    /// </summary>
    internal static Sql WithPerson(SessionQuery query, SqlIdentifier visitorColumn, Func<Sql, Sql> source, Sql columns) =>
        query.WithoutPerson ? Sql.Query($"SELECT {columns}, '' AS person FROM ({source(Sql.Query($""))}) AS sessions_without_person")
        : query.PersonHash ? PersonSql.WithPersonHash(query.SiteId, visitorColumn, source, columns, new SqlIdentifier("end_ms"), visitors: query.Visitors, named: query.SharedDevices)
        : PersonSql.WithPerson(query.SiteId, visitorColumn, source, columns, new SqlIdentifier("end_ms"), query.Visitors, named: query.SharedDevices);

    /// <summary>
    /// The value sets of a session (<see cref="SessionQuery.WithValues"/>, stored by the refresh): <c>fact_sets</c>, the
    /// distinct combinations of the event dimensions among its events (<see cref="EventFacts"/>), and <c>page_sequence</c>,
    /// the paths of its pageviews in order (by time, then path, as <see cref="Reports.SessionPages"/> orders them). Breakdowns by an event dimension (a session once per value it holds), paths
    /// and transitions read these instead of matching every event of the range to its session (docs/sessions.md "Value sets").
    /// </summary>
    public static readonly Sql ValueColumns = Sql.Query($"fact_sets, page_sequence");

    /// <summary>
    /// What a session holds for the affinity report (<see cref="SessionQuery.WithShopping"/>, stored by the refresh; docs/sessions.md
    /// "Shopping sets"): <c>view_products</c>, the distinct products of its product views (<see cref="EventColumns.ViewedProduct"/>,
    /// none empty) in the order of their first view, and <c>view_ms</c>, the time of each first view; <c>purchase_orders</c>
    /// and <c>purchase_ms</c>, the order id and time of each of its purchase events with an order id. The report reads these
    /// instead of matching a million shopping events of 28 days to their sessions (10 M events: 3.5–4.5 s for the top pairs).
    /// </summary>
    public static readonly Sql ShoppingColumns = Sql.Query($"view_products, view_ms, purchase_orders, purchase_ms");

    /// <summary>The value and shopping columns <paramref name="query"/> asks for, each list after a comma ('' for none).</summary>
    public static Sql OptionalColumns(SessionQuery query)
    {
        var values = query.WithValues ? Sql.Query($", {ValueColumns}") : Sql.Query($"");
        return query.WithShopping ? Sql.Query($"{values}, {ShoppingColumns}") : values;
    }

    /// <summary>The event columns joined in one <c>fact_sets</c> element, in order (<see cref="FactSetColumns"/> splits them).</summary>
    public static readonly IReadOnlyList<string> EventFactColumns =
    [
        "channel", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "country", "region", "city",
        "device", "browser", "os", "screen", "lang", "consent_analytics", "consent_marketing",
    ];

    /// <summary>
    /// An event's dimension columns as one string, unit separator between them (one array of strings sorts faster than
    /// seventeen, as for <see cref="FirstFacts"/>); a stray separator inside a value becomes a space.
    /// </summary>
    static Sql EventFacts
    {
        get
        {
            var parts = EventFactColumns.Select(c => Sql.Query($"""replaceAll(toString({new SqlIdentifier(c)}), '\x1F', ' ')"""))
                .Aggregate((all, c) => Sql.Query($"""{all}, '\x1F', {c}"""));
            return Sql.Query($"concat({parts})");
        }
    }

    /// <summary>Column <paramref name="column"/> of <see cref="EventFactColumns"/> back from an element <c>fact</c> of <c>fact_sets</c>, with the event column's type.</summary>
    public static Sql FactSetColumn(string column)
    {
        var index = EventFactColumns.ToList().IndexOf(column) + 1;
        if (index == 0) throw new ArgumentException($"{column} is not in the value sets.", nameof(column));
        return column.StartsWith("consent_", StringComparison.Ordinal)
            ? Sql.Query($"""toUInt8OrZero(splitByChar('\x1F', fact)[{index}])""")
            : Sql.Query($"""splitByChar('\x1F', fact)[{index}]""");
    }

    /// <summary>
    /// The columns of <see cref="Build"/> before <c>person</c>, over a source with <c>vid</c>: the stored sessions
    /// (<see cref="StoredSessions"/>) select the same, so that both can be one UNION ALL.
    /// </summary>
    public static readonly Sql PersonColumns = Sql.Query($"""
        site_id, vid AS visitor_id, start_ms, end_ms, toInt64(duration_ms) AS duration_ms, events, toInt64(pageviews) AS pageviews,
        bounce, entry_path, exit_path, channel, source, utm_campaign, device, browser, os, country
        """);

    /// <summary>
    /// <see cref="Build"/> without the person (and without reading <c>identity_links</c>): the facts the refresh job
    /// stores (<see cref="SessionRefresh"/>); the person is resolved when stored sessions are read, since links change it.
    /// Columns: those of <see cref="Build"/> but <c>person</c>, in <see cref="FactColumns"/>' order.
    /// </summary>
    public static Sql Facts(SessionQuery query, SessionOptions options) => Sessions(query, options, Sql.Query($""), values: true, shopping: true);

    /// <summary>The columns of <see cref="Facts"/>, in order (the stored <c>sessions</c> table has them too).</summary>
    public static readonly Sql FactColumns = Sql.Query($"""
        site_id, visitor_id, start_ms, end_ms, duration_ms, events, pageviews, bounce, entry_path, exit_path,
        channel, source, utm_campaign, device, browser, os, country, {ValueColumns}, {ShoppingColumns}
        """);

    static readonly Sql FactColumnsWithoutValues = Sql.Query($"""
        site_id, visitor_id, start_ms, end_ms, duration_ms, events, pageviews, bounce, entry_path, exit_path,
        channel, source, utm_campaign, device, browser, os, country
        """);

    /// <param name="visitors">A condition on the events' <c>vid</c> ANDed into their WHERE (persons split by it).</param>
    /// <param name="values">
    /// Adds <see cref="ValueColumns"/>: per session, the distinct facts of its events and its pageviews' paths. <c>event_facts</c> and
    /// <c>pageview_keys</c> also go into the lambdas as an argument (their length), not only captured: ClickHouse 18.16
    /// otherwise does not read the event columns they are made of in a subquery ("Unknown identifier: utm_source"). The
    /// lambdas' parameters are named unlike any alias of the statement: 26.7 would read a shadowed alias as the parameter.
    /// </param>
    /// <param name="shopping">Adds <see cref="ShoppingColumns"/> (after the value sets when both): per session, the first view of each
    /// product viewed (<c>first_views</c> marks an event that is the first of its session with its product) and the purchase events with an order id.</param>
    static Sql Sessions(SessionQuery query, SessionOptions options, Sql visitors, bool values, bool shopping = false)
    {
        var gapMs = (long)options.Gap.TotalMilliseconds;
        var tailMs = (long)options.Tail.TotalMilliseconds;
        var columns = Sql.Query($"{FactColumnsWithoutValues} {OptionalColumns(query with { WithValues = values, WithShopping = shopping })}");
        var (valueArrays, valueJoin, valueSelect) = values
            ? (Sql.Query($"""
                    , arraySort((x, k) -> k, groupArray({EventFacts}), keys) AS event_facts,
                    arrayMap((n, n_facts) -> arrayReduce('groupUniqArray', arrayFilter((f, s) -> s = n, event_facts, event_sessions)), arrayEnumerate(starts),
                        arrayResize(emptyArrayUInt64(), length(starts), length(event_facts))) AS session_fact_sets,
                    arrayMap((t, p) -> (t, p), arrayFilter((t, f) -> f = 1, times, flags), pageview_paths) AS pageview_keys,
                    arrayMap((n, n_keys) -> arrayMap(k -> k.2, arraySort(arrayFilter((k, s) -> s = n, pageview_keys, pageview_sessions))), arrayEnumerate(starts),
                        arrayResize(emptyArrayUInt64(), length(starts), length(pageview_keys))) AS session_page_sequences
                    """),
                Sql.Query($", session_fact_sets AS fact_sets, session_page_sequences AS page_sequence"),
                Sql.Query($", fact_sets, page_sequence"))
            : (Sql.Query($""), Sql.Query($""), Sql.Query($""));
        var (shopArrays, shopJoin, shopSelect) = shopping
            ? (Sql.Query($"""
                    , arraySort((x, k) -> k, groupArray(if(type = 'product_view', {EventColumns.ViewedProduct}, '')), keys) AS event_products,
                    arrayMap((p, u) -> toUInt8(p != '' AND u = 1), event_products, arrayEnumerateUniq(event_sessions, event_products)) AS first_views,
                    arrayMap((n, n_events) -> arrayFilter((p, s, f) -> s = n AND f = 1, event_products, event_sessions, first_views), arrayEnumerate(starts),
                        arrayResize(emptyArrayUInt64(), length(starts), length(event_products))) AS session_view_products,
                    arrayMap((n, n_events) -> arrayFilter((t, s, f) -> s = n AND f = 1, times, event_sessions, first_views), arrayEnumerate(starts),
                        arrayResize(emptyArrayUInt64(), length(starts), length(event_products))) AS session_view_ms,
                    arraySort((x, k) -> k, groupArray(if(type = 'purchase', order_id, '')), keys) AS event_orders,
                    arrayMap((n, n_events) -> arrayFilter((o, s) -> s = n AND o != '', event_orders, event_sessions), arrayEnumerate(starts),
                        arrayResize(emptyArrayUInt64(), length(starts), length(event_orders))) AS session_purchase_orders,
                    arrayMap((n, n_events) -> arrayFilter((t, s, o) -> s = n AND o != '', times, event_sessions, event_orders), arrayEnumerate(starts),
                        arrayResize(emptyArrayUInt64(), length(starts), length(event_orders))) AS session_purchase_ms
                    """),
                Sql.Query($", session_view_products AS view_products, session_view_ms AS view_ms, session_purchase_orders AS purchase_orders, session_purchase_ms AS purchase_ms"),
                Sql.Query($", view_products, view_ms, purchase_orders, purchase_ms"))
            : (Sql.Query($""), Sql.Query($""), Sql.Query($""));
        return Sql.Query($"""
            SELECT {columns}
            FROM
            (
                SELECT site_id, vid AS visitor_id, start_ms, end_ms,
                    end_ms - start_ms AS duration_ms,
                    toUInt64(last_i - first_i + 1) AS events,
                    pageviews,
                    toUInt8(events = 1 AND first_flag = 1) AS bounce,
                    entry_paths[indexOf(entry_sessions, session_no)] AS entry_path,
                    exit_paths[indexOf(exit_sessions, session_no)] AS exit_path,
                    splitByChar('\x1F', session_facts) AS facts,
                    facts[1] AS channel,
                    facts[2] AS device,
                    facts[3] AS country,
                    facts[4] AS browser,
                    facts[5] AS os,
                    facts[6] AS source,
                    arrayStringConcat(arraySlice(facts, 7), '\x1F') AS utm_campaign {valueSelect} {shopSelect}
                FROM
                (
                    SELECT site_id, vid,
                        groupArray((ts_ms, event_id)) AS keys,
                        arrayMap(k -> k.1, arraySort(keys)) AS times,
                        arraySort((x, k) -> k, groupArray(toUInt8(type = 'pageview')), keys) AS flags,
                        arraySort((x, k) -> k, groupArray(path), keys) AS paths,
                        arrayMap((i, d) -> toUInt8(i = 1 OR d > {gapMs}), arrayEnumerate(times), arrayDifference(times)) AS is_start,
                        arrayPushBack(arrayPopFront(is_start), toUInt8(1)) AS is_end,
                        arrayFilter((i, s) -> s = 1, arrayEnumerate(times), is_start) AS starts,
                        arrayFilter((i, e) -> e = 1, arrayEnumerate(times), is_end) AS ends,
                        arrayFilter((t, s) -> s = 1, times, is_start) AS start_times,
                        arrayFilter((t, e) -> e = 1, times, is_end) AS end_times,
                        arrayFilter((f, s) -> s = 1, flags, is_start) AS first_flags,
                        arrayPopFront(arrayDifference(arrayPushFront(arrayFilter((c, e) -> e = 1, arrayCumSum(flags), is_end), toUInt64(0)))) AS pageview_counts,
                        arrayFilter((x, s) -> s = 1, arraySort((x, k) -> k, groupArray({FirstFacts}), keys), is_start) AS first_facts,
                        arrayCumSum(is_start) AS event_sessions,
                        arrayFilter((n, f) -> f = 1, event_sessions, flags) AS pageview_sessions,
                        arrayFilter((p, f) -> f = 1, paths, flags) AS pageview_paths,
                        arrayDifference(pageview_sessions) AS pageview_steps,
                        arrayMap((d, i) -> toUInt8(i = 1 OR d != 0), pageview_steps, arrayEnumerate(pageview_steps)) AS is_entry,
                        arrayPopFront(arrayPushBack(arrayMap(d -> toUInt8(d != 0), pageview_steps), toUInt8(1))) AS is_exit,
                        arrayFilter((n, m) -> m = 1, pageview_sessions, is_entry) AS entry_sessions,
                        arrayFilter((p, m) -> m = 1, pageview_paths, is_entry) AS entry_paths,
                        arrayFilter((n, m) -> m = 1, pageview_sessions, is_exit) AS exit_sessions,
                        arrayFilter((p, m) -> m = 1, pageview_paths, is_exit) AS exit_paths {valueArrays} {shopArrays}
                    FROM {EventsOf(query)}
                    WHERE site_id = {query.SiteId} AND is_bot = 0 {EventFilter(query, gapMs, tailMs)} {visitors}
                    GROUP BY site_id, vid
                ) AS visitor_events
                ARRAY JOIN arrayEnumerate(starts) AS session_no, starts AS first_i, ends AS last_i, start_times AS start_ms,
                    end_times AS end_ms, first_flags AS first_flag, pageview_counts AS pageviews, first_facts AS session_facts {valueJoin} {shopJoin}
            ) AS sessions
            WHERE 1 {StartFilter(query)}
            """);
    }

    /// <summary>
    /// The table the events are read from: for a few visitors (<see cref="SessionQuery.Visitors"/>: the 360-degree view,
    /// an export) <c>events_by_visitor</c>, the same rows ordered by (site_id, vid, ts) (migration 0026), where their
    /// rows are adjacent; <c>events</c> (ordered by site_id, toDate(ts), vid, ts) holds them in a granule of every day
    /// (measured at 10 M events: the view's sessions 357 → 69 ms). Every other query reads a range of days: <c>events</c>.
    /// </summary>
    static SqlIdentifier EventsOf(SessionQuery query) =>
        new(query.Visitors is null ? EventColumns.TableName : EventColumns.ByVisitorTableName);

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
            ? Sql.Query($"AND ts >= {DateTimeOffset.FromUnixTimeMilliseconds(lo)} AND ts_ms >= {lo} {EventDates.From(lo)}") : Sql.Query($"");
        var toFilter = to is { } hi
            ? Sql.Query($"AND ts <= {DateTimeOffset.FromUnixTimeMilliseconds(hi)} AND ts_ms < {hi} {EventDates.Until(hi)}") : Sql.Query($"");
        return Sql.Query($"{fromFilter} {toFilter} {query.VisitorCondition(new SqlIdentifier("vid"))}");
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
