using Analytics.Customers;
using Analytics.Identity;
using Analytics.Sessions;
using Analytics.Ingestion;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Reports.Filters;

/// <summary>
/// The one place where a report's scope becomes SQL (no report writes its own WHERE). Two sources:
/// <list type="bullet">
/// <item><see cref="Events"/>: the site's non-bot events in a range that match every filter, each with its person
///   (<see cref="PersonSql"/>) and, for a breakdown, the dimension's value;</item>
/// <item><see cref="PersonTimesAsync"/>: the same events reduced to what the overview counts (time, person, pageviews),
///   from the stored visitor hours where the question allows;</item>
/// <item><see cref="SessionsAsync"/>: the sessions starting in the range (from <see cref="ISessionSource"/>, the only
///   way to sessions) that hold at least one event matching every filter; without filters, all of them.</item>
/// </list>
/// Filters are ANDed (use <c>in</c> for "any of"). A matching event of a session may lie past the range's end: the
/// session belongs to the range by its start.
/// </summary>
public sealed class ReportSql(ISessionSource sessions, VisitorHours visitorHours, IOptions<Analytics.Sessions.SessionOptions> sessionOptions)
{
    /// <summary>
    /// Columns <c>ts</c>, <c>ts_ms</c>, <c>type</c>, <c>vid</c>, <c>person</c>, and <c>value</c> when
    /// <paramref name="value"/> is given (SQL over the event columns of <paramref name="valueDimension"/> and
    /// <c>linked</c>, 1 when the event's visitor has an identity link). With
    /// <paramref name="pageviewsOnly"/> only pageviews (a page breakdown counts persons and sessions with a pageview of it);
    /// with <paramref name="types"/> only events of those types, read before the join (the survey report's answers; purchases
    /// alone from <c>purchase_events</c>, answers and ratings from <c>feedback_events</c>).
    /// <paramref name="withPerson"/> false: <c>person</c> is '' and no identity link is read, for callers that count
    /// sessions, events or visitors' devices (the join with the links is a third of a breakdown's read at 10 M events);
    /// a filter or value on the person's facts or on <c>linked</c> still reads them. <paramref name="where"/>: a condition
    /// over the events' own columns, checked in the scan before persons are resolved (a funnel reads only the events
    /// that match one of its steps). <paramref name="fewRows"/>: the events read are few next to the site's identity links
    /// (survey answers, the last minutes), so only their visitors' links are read (<see cref="PersonSql.WithPersonOfFew"/>).
    /// </summary>
    public static Sql Events(ReportScope scope, long fromMs, long toMs, ReportDimension? valueDimension = null, Sql? value = null, bool pageviewsOnly = false,
        IReadOnlyList<string>? types = null, bool withPerson = true, Sql? where = null, bool fewRows = false)
    {
        var columnNames = ColumnNames(scope, valueDimension);
        var columns = columnNames.Select(c => Sql.Query($", {new SqlIdentifier(c)}")).ToList();
        var valueColumn = value is { } v ? Sql.Query($", {v} AS value") : Sql.Query($"");
        var (table, typeFilter) = TypedSource(pageviewsOnly, types, where);
        Sql SiteEvents(Sql visitors) => EventRows(scope, table, typeFilter, columns, fromMs, toMs, visitors);
        var dimensions = scope.Conditions.Select(c => c.Dimension).Append(valueDimension).OfType<ReportDimension>().ToList();
        if (!withPerson && !dimensions.Any(d => d.ReadsLinks))
            return Sql.Query($"""
                SELECT ts, ts_ms, type, vid, '' AS person {valueColumn}
                FROM ({SiteEvents(Sql.Query($""))}) AS events_without_person
                WHERE 1 {Join(scope.Conditions.Select(Condition))}
                """);
        var personColumns = Sql.Query($"ts, ts_ms, type, vid {Join(columns)}");
        var eventsWithPerson = fewRows
            ? PersonSql.WithPersonOfFew(scope.Site.Id, SiteEvents(Sql.Query($"")), personColumns, new SqlIdentifier("ts_ms"), linked: true)
            : PersonSql.WithPerson(scope.Site.Id, new SqlIdentifier("vid"), SiteEvents, personColumns, new SqlIdentifier("ts_ms"), linked: true);
        var personDimensions = dimensions.Where(d => d.Source == DimensionSource.Person).DistinctBy(d => d.Name).ToList();
        if (personDimensions.Count == 0)
            return Sql.Query($"""
                SELECT ts, ts_ms, type, vid, person {valueColumn}
                FROM ({eventsWithPerson}) AS events_with_person
                WHERE 1 {Join(scope.Conditions.Select(Condition))}
                """);
        // Facts of the person join on the person, one layer each (one JOIN per SELECT on 18.16), carrying every column.
        var carried = new List<string> { "ts", "ts_ms", "type", "vid", "person", "linked" };
        carried.AddRange(columnNames);
        var layer = Sql.Query($"SELECT {List(carried)} FROM ({eventsWithPerson}) AS events_with_person");
        foreach (var dimension in personDimensions)
        {
            var (facts, column) = PersonFacts(dimension, scope);
            layer = Sql.Query($"""
                SELECT {List(carried)}, {new SqlIdentifier(column)}
                FROM ({layer}) AS person_events
                ANY LEFT JOIN ({facts}) AS person_facts USING person
                """);
            carried.Add(column);
        }
        return Sql.Query($"""
            SELECT ts, ts_ms, type, vid, person {valueColumn}
            FROM ({layer}) AS events_with_facts
            WHERE 1 {Join(scope.Conditions.Select(Condition))}
            """);
    }

    /// <summary>
    /// The table and type condition for events of only some types: purchases alone, answers and ratings alone, or form
    /// events alone come from their copy (migrations 0027, 0031, 0032): the same rows, without a scan of every event.
    /// </summary>
    static (SqlIdentifier Table, Sql TypeFilter) TypedSource(bool pageviewsOnly, IReadOnlyList<string>? types, Sql? where)
    {
        var typeFilter = pageviewsOnly ? Sql.Query($"AND type = 'pageview'") : Sql.Query($"");
        if (types is not null) typeFilter = Sql.Query($"{typeFilter} AND type IN {SqlInList.Of(types)}");
        if (where is { } condition) typeFilter = Sql.Query($"{typeFilter} AND ({condition})");
        return (new SqlIdentifier(types is { } only && !pageviewsOnly ? EventColumns.TableFor(only) : EventColumns.TableName), typeFilter);
    }

    /// <summary>The event columns the scope's filters and the value dimension read.</summary>
    static List<string> ColumnNames(ReportScope scope, ReportDimension? valueDimension) =>
        scope.Conditions.SelectMany(c => c.Dimension.Columns).Concat(valueDimension?.Columns ?? []).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The site's non-bot rows of <paramref name="table"/> in [fromMs, toMs) with <c>ts</c>, <c>ts_ms</c>, <c>type</c>, <c>vid</c> and <paramref name="columns"/>.</summary>
    static Sql EventRows(ReportScope scope, SqlIdentifier table, Sql typeFilter, List<Sql> columns, long fromMs, long toMs, Sql visitors) => Sql.Query($"""
        SELECT ts, ts_ms, type, vid {Join(columns)}
        FROM {table}
        WHERE site_id = {scope.Site.Id} AND is_bot = 0 {typeFilter}
            AND ts >= {DateTimeOffset.FromUnixTimeMilliseconds(fromMs)} AND ts_ms >= {fromMs} AND ts_ms < {toMs}
            AND ts <= {DateTimeOffset.FromUnixTimeMilliseconds(toMs)} {EventDates.From(fromMs)} {EventDates.Until(toMs)} {visitors}
        """);

    /// <summary>
    /// <see cref="Events(ReportScope, long, long, ReportDimension?, Sql?, bool, IReadOnlyList{string}?, bool, Sql?)"/> for counting
    /// distinct persons or grouping by them: columns <c>ts</c>, <c>ts_ms</c>, <c>type</c>, <c>vid</c>, <c>person_hash</c>
    /// (<c>cityHash64</c> of the person) and <c>value</c> (which may read <c>linked</c> too). Without a filter or value that
    /// reads the identity links or the person's facts, the hashes come from <see cref="PersonSql.WithPersonHash"/> (no
    /// person string per event); otherwise from the events' <c>person</c>. A customer's hash is <c>cityHash64</c> of its
    /// id, so an identified person's id is found again among the identity links' customers.
    /// </summary>
    public static Sql EventPersonHashes(ReportScope scope, long fromMs, long toMs, ReportDimension? valueDimension = null, Sql? value = null,
        bool pageviewsOnly = false, IReadOnlyList<string>? types = null, Sql? where = null)
    {
        var dimensions = scope.Conditions.Select(c => c.Dimension).Append(valueDimension).OfType<ReportDimension>().ToList();
        if (dimensions.Any(d => d.ReadsLinks))
            return Sql.Query($"""
                SELECT ts, ts_ms, type, vid, cityHash64(person) AS person_hash {(value is null ? Sql.Query($"") : Sql.Query($", value"))}
                FROM ({Events(scope, fromMs, toMs, valueDimension, value, pageviewsOnly, types, where: where)}) AS events_with_person
                """);
        var columns = ColumnNames(scope, valueDimension).Select(c => Sql.Query($", {new SqlIdentifier(c)}")).ToList();
        var (table, typeFilter) = TypedSource(pageviewsOnly, types, where);
        var hashed = PersonSql.WithPersonHash(scope.Site.Id, new SqlIdentifier("vid"),
            visitors => EventRows(scope, table, typeFilter, columns, fromMs, toMs, visitors),
            Sql.Query($"ts, ts_ms, type, vid {Join(columns)}"), new SqlIdentifier("ts_ms"), linked: true);
        return Sql.Query($"""
            SELECT ts, ts_ms, type, vid, person_hash {(value is { } v ? Sql.Query($", {v} AS value") : Sql.Query($""))}
            FROM ({hashed}) AS events_with_person
            WHERE 1 {Join(scope.Conditions.Select(Condition))}
            """);
    }

    /// <summary>
    /// The scope's events as distinct persons and pageviews count them: columns <c>t</c> (DateTime), <c>person_hash</c>
    /// (<c>cityHash64</c> of the person) and <c>pageviews</c> (0/1 an event, or an hour's count). Without filters and
    /// with <paramref name="wholeHours"/> (every bucket the caller groups <c>t</c> into starts on a whole UTC hour), the
    /// served days come from the visitor hours (<see cref="VisitorHours"/>), the same answer from far fewer rows.
    /// </summary>
    public async ValueTask<Sql> PersonTimesAsync(ReportScope scope, bool wholeHours, CancellationToken ct)
    {
        if (scope.Conditions.Count == 0 && wholeHours && await visitorHours.PersonHoursAsync(scope.Site.Id, scope.FromMs, scope.ToMs, ct) is { } hours)
            return hours;
        return Sql.Query($"SELECT ts AS t, person_hash, toUInt64(type = 'pageview') AS pageviews FROM ({EventPersonHashes(scope, scope.FromMs, scope.ToMs)}) AS scope_events");
    }

    /// <summary>
    /// The A/B/C thresholds of <c>Customers:AbcA</c>/<c>AbcB</c> for the <c>customer_class</c> dimension, set once at startup
    /// (<see cref="ReportsSetup.MapReports"/>): the event SQL is static, called by every report.
    /// </summary>
    public static CustomerOptions AbcThresholds { get; set; } = new();

    /// <summary>
    /// The facts of a person dimension, one row per customer (<c>person</c>, and the column its value reads):
    /// <c>customer_class</c> the A/B/C class of the report's range (<see cref="AbcSql.Classes"/>, ranked customers
    /// only: an unranked customer is C); <c>crm_segment</c> the CRM customer's latest <c>segment</c>.
    /// </summary>
    static (Sql Facts, string Column) PersonFacts(ReportDimension dimension, ReportScope scope) => dimension.Name switch
    {
        "customer_class" => (Sql.Query($"""
            SELECT customer_id AS person, class AS abc_class FROM ({AbcSql.Classes(scope.Orders, scope.From, scope.To, AbcThresholds)})
            """), "abc_class"),
        "crm_segment" => (Sql.Query($"""
            SELECT customer_id AS person, argMax(segment, version) AS person_segment FROM customers WHERE site_id = {scope.Site.Id} GROUP BY customer_id
            """), "person_segment"),
        _ => throw new InvalidOperationException($"No facts for the person dimension {dimension.Name}."),
    };

    static Sql List(IEnumerable<string> columns) =>
        columns.Select(c => Sql.Query($"{new SqlIdentifier(c)}")).Aggregate((all, c) => Sql.Query($"{all}, {c}"));

    /// <summary>The events of the scope's own range.</summary>
    public static Sql Events(ReportScope scope) => Events(scope, scope.FromMs, scope.ToMs);

    /// <summary>One filter as SQL over its dimension's value.</summary>
    public static Sql Condition(FilterCondition condition)
    {
        var value = condition.Dimension.Value;
        return condition.Operator switch
        {
            FilterOperator.Is => Sql.Query($"AND {value} = {condition.Values[0]}"),
            FilterOperator.IsNot => Sql.Query($"AND {value} != {condition.Values[0]}"),
            FilterOperator.Contains => Sql.Query($"AND positionCaseInsensitiveUTF8({value}, {condition.Values[0]}) > 0"),
            _ => Sql.Query($"AND {value} IN {SqlInList.Of(condition.Values)}"),
        };
    }

    /// <summary>
    /// The scope's sessions, with the columns of <see cref="SessionSql.Build"/>; with filters only those holding a
    /// matching event (between their first and last event). <paramref name="withoutPerson"/>: <c>person</c> left empty,
    /// for counts of sessions (no identity links read). <paramref name="personHash"/>: <c>person_hash</c> (its
    /// <c>cityHash64</c>) instead of <c>person</c>, for counting or joining persons. <paramref name="withValues"/>: with the value sets too
    /// (<see cref="SessionSql.ValueColumns"/>). <paramref name="withShopping"/>: with the products viewed and orders placed (<see cref="SessionSql.ShoppingColumns"/>).
    /// </summary>
    // ANY LEFT JOIN, not ANY INNER JOIN: on 26.7 an ANY INNER JOIN keeps one row per key on the left side too,
    // and a visitor's second session would be lost. A visitor without matching events gets [] and drops out below.
    public async ValueTask<Sql> SessionsAsync(ReportScope scope, CancellationToken ct, bool withoutPerson = false, bool withValues = false, bool withShopping = false,
        bool personHash = false)
    {
        var query = Query(scope, withoutPerson, withValues, withShopping, personHash);
        var source = await sessions.SessionsAsync(query, ct);
        if (scope.Conditions.Count == 0) return source;
        var values = SessionSql.OptionalColumns(query);
        var person = new SqlIdentifier(query.PersonHash ? "person_hash" : "person");
        return Sql.Query($"""
            SELECT site_id, visitor_id, {person}, start_ms, end_ms, duration_ms, events, pageviews, bounce, entry_path, exit_path,
                channel, source, utm_campaign, device, browser, os, country {values}
            FROM ({source}) AS report_sessions
            ANY LEFT JOIN
            (
                SELECT vid AS visitor_id, groupArray(ts_ms) AS match_ms
                FROM ({Events(scope, scope.FromMs, SessionEventsEnd(scope), withPerson: false)})
                GROUP BY vid
            ) AS matching USING visitor_id
            WHERE arrayExists((t, lo, hi) -> t >= lo AND t <= hi, match_ms, {Repeat("start_ms")}, {Repeat("end_ms")})
            """);
    }

    /// <summary>
    /// <see cref="SessionsAsync"/> less the whole days <paramref name="take"/> answers from a rollup of the stored sessions
    /// (<see cref="ISessionSource.SessionsLessDaysAsync"/>); with filters no day is taken (a rollup holds every session).
    /// </summary>
    public async ValueTask<SessionsLessDays> SessionsLessDaysAsync(ReportScope scope, DayTaker take, CancellationToken ct, bool withoutPerson = false,
        bool withShopping = false)
    {
        if (scope.Conditions.Count > 0)
            return new(new Dictionary<DateOnly, long>(), await SessionsAsync(scope, ct, withoutPerson: withoutPerson, withShopping: withShopping));
        return await sessions.SessionsLessDaysAsync(Query(scope, withoutPerson, withValues: false, withShopping, personHash: false), take, ct);
    }

    static SessionQuery Query(ReportScope scope, bool withoutPerson, bool withValues, bool withShopping, bool personHash) =>
        new(scope.Site.Id, scope.FromMs, scope.ToMs, WithoutPerson: withoutPerson, WithValues: withValues, WithShopping: withShopping,
            PersonHash: personHash && !withoutPerson, SharedDevices: scope.SharedDevices);

    /// <summary>
    /// Per session (with the filters applied like <see cref="SessionsAsync"/>) the distinct values of an event dimension
    /// among its matching events, one row per session and value: columns <c>value</c>, <c>bounce</c>, <c>duration_ms</c>.
    /// <paramref name="value"/> maps the dimension's value (the top N, else "(other)"). Sessions are counted, not persons,
    /// so neither side reads the identity links.
    /// </summary>
    public async ValueTask<Sql> SessionValuesAsync(ReportScope scope, ReportDimension dimension, Sql value, bool pageviewsOnly, CancellationToken ct)
    {
        if (scope.Conditions.Count == 0 && FromValueSets(dimension, value, pageviewsOnly) is { } sessionValues)
        {
            var withValues = await sessions.SessionsAsync(new SessionQuery(scope.Site.Id, scope.FromMs, scope.ToMs, WithoutPerson: true, WithValues: true), ct);
            return Sql.Query($"""
                SELECT value, bounce, duration_ms
                FROM (SELECT bounce, duration_ms, {sessionValues} AS session_values FROM ({withValues}) AS with_sets) AS session_rows
                ARRAY JOIN session_values AS value
                """);
        }
        var source = await sessions.SessionsAsync(new SessionQuery(scope.Site.Id, scope.FromMs, scope.ToMs, WithoutPerson: true), ct);
        return Sql.Query($"""
            SELECT value, bounce, duration_ms
            FROM
            (
                SELECT bounce, duration_ms,
                    arrayReduce('groupUniqArray', arrayFilter((v, t, lo, hi) -> t >= lo AND t <= hi,
                        match_values, match_ms, {Repeat("start_ms")}, {Repeat("end_ms")})) AS session_values
                FROM ({source}) AS report_sessions
                ANY LEFT JOIN
                (
                    SELECT vid AS visitor_id, groupArray(ts_ms) AS match_ms, groupArray(value) AS match_values
                    FROM ({Events(scope, scope.FromMs, SessionEventsEnd(scope), dimension, value, pageviewsOnly, withPerson: false)})
                    GROUP BY vid
                ) AS matching USING visitor_id
            ) AS session_rows
            ARRAY JOIN session_values AS value
            """);
    }

    /// <summary>
    /// Without filters, the distinct values a session holds, as an array, from its value sets
    /// (<see cref="SessionSql.ValueColumns"/>): a page's from <c>page_sequence</c> (its pageviews' paths), any dimension over
    /// <see cref="SessionSql.EventFactColumns"/> from <c>fact_sets</c>. <paramref name="value"/> is evaluated by a lambda
    /// whose parameters are named like the event columns it reads, so the same SQL serves events and sets. Null for
    /// another dimension (one that reads the identity links).
    /// </summary>
    static Sql? FromValueSets(ReportDimension dimension, Sql value, bool pageviewsOnly)
    {
        if (pageviewsOnly && dimension.Columns is ["path"])
            return Sql.Query($"arrayReduce('groupUniqArray', arrayMap(`path` -> {value}, page_sequence))");
        if (pageviewsOnly || dimension.ReadsLinks || dimension.Columns.Count == 0 || !dimension.Columns.All(SessionSql.EventFactColumns.Contains)) return null;
        var parameters = dimension.Columns.Select(c => Sql.Query($"{new SqlIdentifier(c)}")).Aggregate((all, c) => Sql.Query($"{all}, {c}"));
        var arrays = dimension.Columns.Select(c => Sql.Query($"arrayMap(fact -> {SessionSql.FactSetColumn(c)}, fact_sets)")).Aggregate((all, c) => Sql.Query($"{all}, {c}"));
        return Sql.Query($"arrayReduce('groupUniqArray', arrayMap(({parameters}) -> {value}, {arrays}))");
    }

    /// <summary>A session starting in the range has its events up to <see cref="Analytics.Sessions.SessionOptions.Tail"/> past the end.</summary>
    long SessionEventsEnd(ReportScope scope) => scope.ToMs + (long)sessionOptions.Value.Tail.TotalMilliseconds;

    /// <summary>
    /// A session column as an array as long as <c>match_ms</c>: lambdas take it as an argument instead of capturing
    /// it (ClickHouse 18.16 loses a column of a JOIN's result that only a lambda captures; docs/sessions.md).
    /// </summary>
    static Sql Repeat(string column) =>
        Sql.Query($"arrayResize(emptyArrayUInt64(), length(match_ms), toUInt64({new SqlIdentifier(column)}))");

    static Sql Join(IEnumerable<Sql> parts) => parts.Aggregate(Sql.Query($""), (all, part) => Sql.Query($"{all} {part}"));
}
