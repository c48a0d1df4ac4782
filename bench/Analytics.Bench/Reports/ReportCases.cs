using Analytics.Identity;
using Analytics.Storage;

namespace Analytics.Bench.Reports;

/// <summary>
/// One timed report: its request (method, path, query, JSON body) and its floor: the hand-written ClickHouse queries
/// that answer the same numbers, run straight against the engine (several run at once, as the report's own do).
/// </summary>
sealed record ReportCase(string Name, string Method, string Path, string Query, string? Body, Func<ReportRange, Sql[]> Floor);

/// <summary>
/// The bench's site and range: <c>days</c> whole UTC days from <c>FirstDay</c>. Requests name the site by its key,
/// stored rows (and so the floors) by its id.
/// </summary>
sealed record ReportRange(string Site, string SiteId, DateOnly FirstDay, int Days)
{
    public long FromMs => new DateTimeOffset(FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
    public long ToMs => FromMs + Days * 86_400_000L;
    public DateOnly LastDay => FirstDay.AddDays(Days - 1);
    /// <summary>The query every report shares: the site and the range as inclusive dates.</summary>
    public string Common => $"site={Site}&from={FirstDay:yyyy-MM-dd}&to={LastDay:yyyy-MM-dd}";
}

static class ReportCases
{
    public const string FunnelSteps = """
        [{"type": "pageview", "path": "/"}, {"type": "pageview", "path": "/c/*"}, {"type": "pageview", "path": "/p/*"},
         {"type": "pageview", "path": "/cart"}, {"type": "pageview", "path": "/checkout"}, {"type": "purchase"}]
        """;

    /// <summary>Every report the issue names, in the order of the table; those the service does not map are skipped.</summary>
    public static IReadOnlyList<ReportCase> All(ReportRange r) =>
    [
        new("overview", "GET", "/api/reports/overview", "interval=day", null, Overview),
        new("breakdown page", "GET", "/api/reports/breakdown", "dimension=page&limit=10", null, BreakdownPage),
        new("breakdown country", "GET", "/api/reports/breakdown", "dimension=country&limit=10", null, BreakdownCountry),
        new("breakdown session_channel", "GET", "/api/reports/breakdown", "dimension=session_channel&limit=10", null, r => [SessionsBy(r, "channel")]),
        new("breakdown entry_page", "GET", "/api/reports/breakdown", "dimension=entry_page&limit=10", null, r => [SessionsBy(r, "entry_path")]),
        new("funnel", "POST", "/api/reports/funnel", "",
            $$"""{"site": "{{r.Site}}", "from": "{{r.FirstDay:yyyy-MM-dd}}", "to": "{{r.LastDay:yyyy-MM-dd}}", "window_seconds": 3600, "steps": {{FunnelSteps}}}""", Funnel),
        new("paths from /", "GET", "/api/reports/paths", "from_page=/&depth=5", null, PathsFromHome),
        new("transitions /cart", "GET", "/api/reports/transitions", "page=/cart", null, TransitionsOfCart),
        new("journeys", "GET", "/api/reports/journeys", "", null, Journeys),
        new("retention", "GET", "/api/reports/retention", "cohort=first_visit&period=week", null, Retention),
        new("forms", "GET", "/api/reports/forms", "", null, Forms),
        new("abc", "GET", "/api/reports/abc", "", null, Abc),
        new("goals", "GET", "/api/reports/goals", "", null, Goals),
    ];

    static Sql Persons(ReportRange r) => PersonSql.EventsWithPerson(r.SiteId, r.FromMs, r.ToMs);

    /// <summary>The stored sessions of the range: each day's current generation (docs/sessions.md "Stored sessions").</summary>
    static Sql Stored(ReportRange r) => Sql.Query($"""
        SELECT * FROM sessions
        WHERE site_id = {r.SiteId} AND day >= toDate({r.FirstDay.ToString("yyyy-MM-dd")}) AND day <= toDate({r.LastDay.ToString("yyyy-MM-dd")})
            AND (day, generation) IN (SELECT day, argMax(generation, version) FROM session_days WHERE site_id = {r.SiteId} GROUP BY day)
        """);

    /// <summary>Pageviews with their session (gaps over 30 minutes start a new one), per visitor in time order.</summary>
    static Sql SessionPageviews(ReportRange r) => Sql.Query($"""
        SELECT vid, e.4 AS person, e.3 AS path, s AS session FROM (
            SELECT vid, arraySort(x -> x.1, groupArray((ts_ms, type, path, person))) AS evs,
                arrayCumSum(arrayMap(i -> i = 1 OR evs[i].1 - evs[i - 1].1 > 1800000, arrayEnumerate(evs))) AS sessions
            FROM ({Persons(r)}) GROUP BY vid)
        ARRAY JOIN evs AS e, sessions AS s
        WHERE e.2 = 'pageview'
        """);

    /// <summary>Each session's pageview paths in order (consecutive repeats kept).</summary>
    static Sql SessionPaths(ReportRange r) => Sql.Query($"SELECT vid, session, groupArray(path) AS paths FROM ({SessionPageviews(r)}) GROUP BY vid, session");

    static Sql[] Overview(ReportRange r) =>
    [
        Sql.Query($"SELECT uniqExact(person) AS visitors, countIf(type = 'pageview') AS pageviews FROM ({Persons(r)})"),
        Sql.Query($"SELECT toDate(ts) AS day, uniqExact(person) AS visitors, countIf(type = 'pageview') AS pageviews FROM ({Persons(r)}) GROUP BY day ORDER BY day"),
        Sql.Query($"SELECT count() AS sessions, avg(bounce) AS bounce_rate, avg(duration_ms) / 1000 AS seconds FROM ({Stored(r)})"),
        Sql.Query($"SELECT day, count() AS sessions, avg(bounce) AS bounce_rate, avg(duration_ms) / 1000 AS seconds FROM ({Stored(r)}) GROUP BY day ORDER BY day"),
    ];

    static Sql[] BreakdownPage(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT path, uniqExact(person) AS visitors, uniqExact(vid, session) AS sessions, count() AS pageviews
            FROM ({SessionPageviews(r)}) GROUP BY path ORDER BY visitors DESC, pageviews DESC, path LIMIT 10
            """),
    ];

    static Sql[] BreakdownCountry(ReportRange r) =>
    [
        Sql.Query($"SELECT country, uniqExact(person) AS visitors, countIf(type = 'pageview') AS pageviews FROM ({Persons(r)}) GROUP BY country ORDER BY visitors DESC LIMIT 10"),
        Sql.Query($"SELECT country, count() AS sessions, avg(bounce) AS bounce_rate, avg(duration_ms) AS ms FROM ({Stored(r)}) GROUP BY country"),
    ];

    /// <summary>Sessions by a stored column (their first event's), with their visitors (devices, not persons) and pageviews.</summary>
    static Sql SessionsBy(ReportRange r, string column) => Sql.Query($"""
        SELECT {new SqlIdentifier(column)} AS value, count() AS sessions, uniqExact(visitor_id) AS visitors, sum(pageviews) AS pageviews,
            avg(bounce) AS bounce_rate, avg(duration_ms) AS ms
        FROM ({Stored(r)}) GROUP BY value ORDER BY sessions DESC LIMIT 10
        """);

    static Sql[] Funnel(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT level, count() AS persons FROM (
                SELECT person, windowFunnel(3600)(ts, type = 'pageview' AND path = '/', type = 'pageview' AND startsWith(path, '/c/'),
                    type = 'pageview' AND startsWith(path, '/p/'), type = 'pageview' AND path = '/cart',
                    type = 'pageview' AND path = '/checkout', type = 'purchase') AS level
                FROM ({Persons(r)}) GROUP BY person)
            GROUP BY level ORDER BY level
            """),
    ];

    static Sql[] PathsFromHome(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT flow, count() AS sessions FROM (
                SELECT arraySlice(paths, indexOf(paths, '/'), 5) AS flow FROM ({SessionPaths(r)}) WHERE has(paths, '/'))
            GROUP BY flow ORDER BY sessions DESC LIMIT 50
            """),
    ];

    static Sql[] TransitionsOfCart(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT next, uniqExact(vid, session) AS sessions FROM (
                SELECT vid, session, arrayMap(i -> if(i < length(paths), paths[i + 1], '(exit)'),
                    arrayFilter(i -> paths[i] = '/cart', arrayEnumerate(paths))) AS nexts
                FROM ({SessionPaths(r)}) WHERE has(paths, '/cart'))
            ARRAY JOIN nexts AS next GROUP BY next ORDER BY sessions DESC LIMIT 10
            """),
    ];

    static Sql[] Journeys(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT channels, count() AS persons FROM (
                SELECT visitor_id, arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((start_ms, channel)))) AS channels
                FROM ({Stored(r)}) GROUP BY visitor_id)
            GROUP BY channels ORDER BY persons DESC LIMIT 10
            """),
        Sql.Query($"SELECT channel, sum(revenue) AS revenue, count() AS orders FROM ({Persons(r)}) WHERE type = 'purchase' GROUP BY channel"),
    ];

    static Sql[] Retention(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT cohort, intDiv(toUInt32(week) - toUInt32(cohort), 7) AS k, count() AS persons FROM (
                SELECT person, groupUniqArray(toMonday(ts)) AS weeks, arrayReduce('min', weeks) AS cohort FROM ({Persons(r)}) GROUP BY person)
            ARRAY JOIN weeks AS week GROUP BY cohort, k ORDER BY cohort, k
            """),
    ];

    static Sql[] Forms(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT props_values[indexOf(props_keys, 'form')] AS form, countIf(type = 'form_start') AS starts, countIf(type = 'form_submit') AS submits,
                countIf(type = 'form_abandon') AS abandons
            FROM events
            WHERE site_id = {r.SiteId} AND is_bot = 0 AND ts_ms >= {r.FromMs} AND ts_ms < {r.ToMs}
                AND type IN ('form_start', 'form_field', 'form_submit', 'form_abandon')
            GROUP BY form
            """),
        Sql.Query($"""
            SELECT props_values[indexOf(props_keys, 'field')] AS field, count() AS interactions,
                quantileExact(0.5)(toUInt64OrZero(props_values[indexOf(props_keys, 'dwell_ms')])) AS median_ms
            FROM events
            WHERE site_id = {r.SiteId} AND is_bot = 0 AND ts_ms >= {r.FromMs} AND ts_ms < {r.ToMs} AND type = 'form_field'
            GROUP BY field
            """),
    ];

    static Sql[] Abc(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT multiIf(share <= 0.8, 'A', share <= 0.95, 'B', 'C') AS class, count() AS customers, sum(one) AS revenue FROM (
                SELECT groupArray(spent) AS revenues, arrayCumSum(revenues) AS running, sum(spent) AS total,
                    arrayMap((x, t) -> x / t, running, arrayResize(emptyArrayFloat64(), length(running), total)) AS shares
                FROM (SELECT person, sum(revenue) AS spent FROM ({Persons(r)}) WHERE type = 'purchase' GROUP BY person ORDER BY spent DESC))
            ARRAY JOIN revenues AS one, shares AS share
            GROUP BY class ORDER BY class
            """),
    ];

    static Sql[] Goals(ReportRange r) =>
    [
        Sql.Query($"""
            SELECT uniqExactIf(person, type = 'pageview' AND path = '/thank-you') AS conversions, uniqExact(person) AS visitors,
                sumIf(revenue, type = 'purchase') AS revenue, countIf(type = 'purchase') AS orders
            FROM ({Persons(r)})
            """),
    ];
}
