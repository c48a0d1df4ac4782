using System.Text.Json.Serialization;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Sessions;

/// <summary>
/// Sessions from the stored table where it is up to date, computed at query time elsewhere, always the answer of
/// <see cref="SessionSql.Build"/> (docs/sessions.md "Stored sessions"). A day is served from the table when its
/// current generation was refreshed after its last dirty mark (by more than <see cref="SessionOptions.RefreshDelay"/>).
/// A stored session this query could read differently (one the refresh cut off, <c>open_end</c>, or one the query's own
/// range would cut) makes its visitor computed: that visitor's sessions from that day on come from
/// <see cref="SessionSql.Build"/> over its events alone (<c>events_by_visitor</c>), the day's other sessions stay served;
/// only a day with more than <see cref="MaxComputedVisitors"/> such visitors is computed whole. The other days (dirty,
/// never refreshed, today) are computed by <see cref="SessionSql.Build"/> from the first of them to the end of the
/// range: its sessions starting on served days are dropped, so each session comes from exactly one side. Persons are
/// resolved at query time on all sides.
/// </summary>
public sealed class StoredSessions(IClickHouse clickHouse, IOptions<SessionOptions> options) : ISessionSource
{
    const long DayMs = 86_400_000;
    static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;
    volatile bool refreshedOnce;

    /// <summary>
    /// The most visitors with a session read differently (see the class comment) a query computes one by one; beyond it
    /// their days are computed whole. Such sessions are rare (over 5.5 hours past midnight), but one alone made its
    /// day and every day after it in the range computed from all events (a 10 M-event shop: 1.2 s on every report).
    /// </summary>
    public const int MaxComputedVisitors = 500;

    public async ValueTask<Sql> SessionsAsync(SessionQuery query, CancellationToken ct) => (await ReadAsync(query, null, ct)).Rest;

    public ValueTask<SessionsLessDays> SessionsLessDaysAsync(SessionQuery query, DayTaker take, CancellationToken ct) => ReadAsync(query, take, ct);

    async ValueTask<SessionsLessDays> ReadAsync(SessionQuery query, DayTaker? take, CancellationToken ct)
    {
        var o = options.Value;
        var none = new Dictionary<DateOnly, long>();
        var firstDay = query.FromMs is { } f ? DayOf(f) : (DateOnly?)null;
        var lastDay = query.ToMs is { } t ? DayOf(t - 1) : (DateOnly?)null;
        if (!o.Stored || firstDay > lastDay || !await RefreshedOnceAsync(ct)) return new(none, SessionSql.Build(query, o));

        var plan = await PlanAsync(query, firstDay, lastDay, ct);
        var served = plan.Served;
        if (served.Count == 0) return new(none, SessionSql.Build(query, o));

        // The visitors computed alone, from the first day one of their sessions is read differently.
        var (computedVisitors, computedSince) = (plan.ComputedVisitors, plan.ComputedSince);
        var taken = take is null ? none : await TakeAsync(query, served, computedSince, take, ct);
        Sql NotComputedVisitor(Sql day) => computedVisitors.Count == 0 ? Sql.Query($"")
            : Sql.Query($"AND NOT (visitor_id IN {SqlInList.Of(computedVisitors)} AND {day} >= {computedSince!.Value})");
        // Days the caller took are left out of the stored part and dropped from the computed one below. With every served
        // day taken the stored part reads no day (1970-01-01 is never one).
        var read = taken.Count == 0 ? served : served.Where(d => !taken.ContainsKey(d.Key)).ToDictionary(d => d.Key, d => d.Value);
        var stored = read.Count > 0
            ? StoredPart(query, read, NotComputedVisitor(Sql.Query($"day")), Prewhere)
            : StoredPart(query, new Dictionary<DateOnly, long> { [DateOnly.FromDayNumber(Epoch)] = 0 }, Sql.Query($""), Prewhere);
        if (computedVisitors.Count > 0)
        {
            var sinceMs = (computedSince!.Value.DayNumber - Epoch) * DayMs;
            var visitorsAlone = SessionSql.Build(query with { FromMs = Math.Max(query.FromMs ?? long.MinValue, sinceMs), Visitors = computedVisitors }, o);
            stored = Sql.Query($"{stored} UNION ALL {visitorsAlone}");
        }

        // Query time from the first known day not served on: from there Build's range starts exact (one gap of events
        // before it). A day neither stored nor marked has no events, so no session starts on it and it is skipped: a
        // range starting before the shop's first day (or on a day without traffic) computed every day from there
        // (28 days of survey answers' sessions at 10 M events: 6.5 s → 0.1 s).
        if (FirstComputedDay(plan) is not { } computedFrom) return new(taken, stored);
        var dayStartMs = (computedFrom.DayNumber - Epoch) * DayMs;
        var computed = SessionSql.Build(query with { FromMs = Math.Max(query.FromMs ?? long.MinValue, dayStartMs) }, o);
        var servedLater = served.Keys.Where(d => d > computedFrom).ToList();
        var notServed = servedLater.Count > 0 ? Sql.Query($"AND {SessionRefresh.DayOfStart} NOT IN {SqlInList.Of(servedLater)}") : Sql.Query($"");
        if (servedLater.Count > 0 || computedVisitors.Count > 0)
            computed = Sql.Query($"SELECT * FROM ({computed}) AS computed WHERE 1 {notServed} {NotComputedVisitor(SessionRefresh.DayOfStart)}");
        return new(taken, Sql.Query($"{stored} UNION ALL {computed}"));
    }

    /// <summary>
    /// The days <paramref name="take"/> answers of the candidates: served days wholly inside the query's range, before any
    /// day with a visitor computed alone (whose sessions there are not the stored rows), in a query of every visitor.
    /// </summary>
    static async ValueTask<IReadOnlyDictionary<DateOnly, long>> TakeAsync(SessionQuery query, Dictionary<DateOnly, long> served, DateOnly? computedSince,
        DayTaker take, CancellationToken ct)
    {
        var none = new Dictionary<DateOnly, long>();
        if (query.Visitors is not null || query.LinkedOnly || query.VisitorsOf is not null) return none;
        var candidates = served
            .Where(d => (query.FromMs is not { } from || (d.Key.DayNumber - Epoch) * DayMs >= from)
                && (query.ToMs is not { } to || (d.Key.DayNumber - Epoch + 1) * DayMs <= to)
                && (computedSince is not { } since || d.Key < since))
            .ToDictionary(d => d.Key, d => d.Value);
        if (candidates.Count == 0) return none;
        var days = (await take(candidates, ct)).ToHashSet();
        return candidates.Where(d => days.Contains(d.Key)).ToDictionary(d => d.Key, d => d.Value);
    }

    public async ValueTask<long?> QueryTimeFromAsync(string siteId, CancellationToken ct)
    {
        if (!options.Value.Stored || !await RefreshedOnceAsync(ct)) return long.MinValue;
        var (served, known) = await ServedDaysAsync(new SessionQuery(siteId), null, null, ct);
        if (served.Count == 0) return known.Count == 0 ? null : long.MinValue;
        return known.Where(d => !served.ContainsKey(d)).Select(d => (long?)(d.DayNumber - Epoch) * DayMs).FirstOrDefault();
    }

    /// <summary>The days of <paramref name="query"/> read from the table (the rest is computed): for tests, the bench and diagnostics.</summary>
    public async Task<IReadOnlyCollection<DateOnly>> StoredDaysAsync(SessionQuery query, CancellationToken ct) => (await PlanOfAsync(query, ct)).Served.Keys;

    /// <summary>The first day <paramref name="query"/> computes from the events (null: none): for tests and diagnostics.</summary>
    public async Task<DateOnly?> ComputedFromAsync(SessionQuery query, CancellationToken ct)
    {
        var plan = await PlanOfAsync(query, ct);
        return plan.Served.Count == 0 ? plan.Known.Select(d => (DateOnly?)d).FirstOrDefault() : FirstComputedDay(plan);
    }

    static DateOnly? FirstComputedDay(ReadPlan plan) => plan.Known.Where(d => !plan.Served.ContainsKey(d)).Select(d => (DateOnly?)d).FirstOrDefault();

    /// <summary>The visitors <paramref name="query"/> computes alone on served days (see the class comment): for tests and diagnostics.</summary>
    public async Task<IReadOnlyCollection<string>> ComputedVisitorsAsync(SessionQuery query, CancellationToken ct) => (await PlanOfAsync(query, ct)).ComputedVisitors;

    async Task<ReadPlan> PlanOfAsync(SessionQuery query, CancellationToken ct)
    {
        var firstDay = query.FromMs is { } f ? DayOf(f) : (DateOnly?)null;
        var lastDay = query.ToMs is { } t ? DayOf(t - 1) : (DateOnly?)null;
        if (!options.Value.Stored || firstDay > lastDay || !await RefreshedOnceAsync(ct)) return new([], [], [], null);
        return await PlanAsync(query, firstDay, lastDay, ct);
    }

    /// <summary>What a query reads where: served days and their current generation, the range's known days (stored or marked), and the visitors computed alone since a day.</summary>
    sealed record ReadPlan(Dictionary<DateOnly, long> Served, IReadOnlyList<DateOnly> Known, List<string> ComputedVisitors, DateOnly? ComputedSince);

    /// <summary>
    /// Served days and their current generation; the visitors with a stored session this query would read differently,
    /// from the earliest day of one; the days with too many of those are not served.
    /// </summary>
    async Task<ReadPlan> PlanAsync(SessionQuery query, DateOnly? firstDay, DateOnly? lastDay, CancellationToken ct)
    {
        var (served, known) = await ServedDaysAsync(query, firstDay, lastDay, ct);
        if (served.Count == 0) return new(served, known, [], null);
        var different = await ReadDifferentlyAsync(query, served, ct);
        foreach (var day in different.GroupBy(d => d.Day).Where(g => g.Count() > MaxComputedVisitors).Select(g => g.Key)) served.Remove(day);
        var kept = different.Where(d => served.ContainsKey(d.Day)).ToList();
        var visitors = kept.Select(d => d.VisitorId).Distinct(StringComparer.Ordinal).ToList();
        if (visitors.Count > MaxComputedVisitors)
        {
            foreach (var day in kept.Select(d => d.Day).Distinct()) served.Remove(day);
            return new(served, known, [], null);
        }
        return new(served, known, visitors, kept.Count == 0 ? null : kept.Min(d => d.Day));
    }

    /// <summary>The stored sessions of the served days (current generation each), with the person of their last event (<see cref="SessionSql.WithPerson"/>), and the value and shopping sets asked for.</summary>
    static Sql StoredPart(SessionQuery query, Dictionary<DateOnly, long> served, Sql notComputed, bool prewhere)
    {
        var values = SessionSql.OptionalColumns(query);
        Sql Source(Sql visitors) => Sql.Query($"""
            SELECT site_id, visitor_id AS vid, start_ms, end_ms, duration_ms, events, pageviews, bounce, entry_path, exit_path,
                channel, source, utm_campaign, device, browser, os, country {values}
            FROM sessions
            {Filter(query, served, prewhere)} {notComputed} {visitors}
            """);
        return SessionSql.WithPerson(query, new SqlIdentifier("visitor_id"), Source, Sql.Query($"{SessionSql.PersonColumns} {values}"));
    }

    /// <summary>
    /// The clause (<c>WHERE …</c>, to which conditions can be ANDed) of the site's current-generation rows of the served
    /// days, in the query's start range and visitors, and <paramref name="first"/>. With <paramref name="prewhere"/> the
    /// generation, the days and <paramref name="first"/> are a PREWHERE: chDB otherwise moved the visitors' condition
    /// there (an <c>IN</c> of the linked visitors, for one) and checked it on the superseded generations' rows too, which
    /// the refresh keeps for <see cref="SessionOptions.KeepSuperseded"/> (10 M events, every day just refreshed: the
    /// linked visitors' sessions 0.33 → 0.13 s). Not on a cluster, whose Distributed tables leave PREWHERE to the shards.
    /// </summary>
    static Sql Filter(SessionQuery query, Dictionary<DateOnly, long> served, bool prewhere, Sql? first = null)
    {
        var from = query.FromMs is { } f ? Sql.Query($"AND start_ms >= {f}") : Sql.Query($"");
        var to = query.ToMs is { } t ? Sql.Query($"AND start_ms < {t}") : Sql.Query($"");
        var visitors = query.VisitorCondition(new SqlIdentifier("visitor_id"));
        var also = first is { } condition ? Sql.Query($"AND {condition}") : Sql.Query($"");
        var rows = Sql.Query($"site_id = {query.SiteId} AND {StoredDays.Current(served)} {also}");
        return prewhere ? Sql.Query($"PREWHERE {rows} WHERE 1 {from} {to} {visitors}") : Sql.Query($"WHERE {rows} {from} {to} {visitors}");
    }

    bool Prewhere => clickHouse.Cluster is null;

    /// <summary>The served days of the range and their generation, and its known days (<see cref="StoredDays.ServedAsync"/>).</summary>
    async Task<(Dictionary<DateOnly, long> Served, IReadOnlyList<DateOnly> Known)> ServedDaysAsync(SessionQuery query, DateOnly? firstDay, DateOnly? lastDay, CancellationToken ct)
    {
        var (served, known) = await StoredDays.ServedAsync(clickHouse, query.SiteId, firstDay, lastDay, options.Value.RefreshDelay, ct);
        return (served.ToDictionary(d => d.Key, d => d.Value.Generation), known);
    }

    /// <summary>
    /// Per served day, the visitors with a stored session that this query's <see cref="SessionSql.Build"/> would read
    /// differently: one the refresh may have cut (<c>open_end</c>), or one reaching past this query's own cut (its end + tail).
    /// </summary>
    async Task<List<(DateOnly Day, string VisitorId)>> ReadDifferentlyAsync(SessionQuery query, Dictionary<DateOnly, long> served, CancellationToken ct)
    {
        var cut = query.ToMs is { } t ? Sql.Query($"OR end_ms >= {t + (long)options.Value.Tail.TotalMilliseconds}") : Sql.Query($"");
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT DISTINCT toString(day) AS day_text, visitor_id FROM sessions {Filter(query, served, Prewhere, Sql.Query($"(open_end = 1 {cut})"))}
            """), StoredSessionsJson.Default.DayVisitorRow, ct);
        return rows.Select(r => (DateOnly.Parse(r.DayText), r.VisitorId)).ToList();
    }

    /// <summary>Stored sessions exist once the first refresh (all history) has finished; before, everything is computed.</summary>
    async Task<bool> RefreshedOnceAsync(CancellationToken ct)
    {
        if (refreshedOnce) return true;
        var state = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM session_refresh_state WHERE name = 'marks'"),
            StorageJson.Default.CountRow, ct);
        return refreshedOnce = state is { N: > 0 };
    }

    static DateOnly DayOf(long ms) => DateOnly.FromDayNumber(Epoch + (int)(ms >= 0 ? ms / DayMs : (ms - DayMs + 1) / DayMs));

    internal sealed record DayVisitorRow(string DayText, string VisitorId);
}

[JsonSerializable(typeof(StoredSessions.DayVisitorRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class StoredSessionsJson : JsonSerializerContext;
