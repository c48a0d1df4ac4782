using System.Globalization;
using System.Security.Claims;
using Analytics.Identity;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Analytics.Reports;

/// <summary>
/// <c>GET /api/reports/breakdown?dimension=D&amp;limit=N</c>: per value of D, visitors, sessions, pageviews, bounce rate
/// and average session duration; the top N values by visitors (then pageviews, then value), the rest as one row
/// "(other)". An empty value (no country known, no campaign) is the row "(none)".
/// </summary>
public sealed record BreakdownReport(ReportInput Input, string? Dimension, string? Limit, ClaimsPrincipal User, DateTimeOffset Now) : IReport<BreakdownAnswer>
{
    public const string Other = "(other)";
    public const string None = "(none)";

    public string Report => "breakdown";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"dimension={Dimension}&limit={Limit}";
}

public sealed class BreakdownValidator : AbstractValidator<BreakdownReport>
{
    public BreakdownValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.Dimension).NotEmpty().OverridePropertyName("dimension").WithMessage($"Name the dimension: one of {ReportDimensions.BreakdownNames}.");
        RuleFor(r => r.Dimension).Must(d => ReportDimensions.Find(d) is { CanBreakDown: true }).When(r => !string.IsNullOrEmpty(r.Dimension))
            .OverridePropertyName("dimension").WithMessage(r => ReportDimensions.Find(r.Dimension) is { Available: false }
                ? $"'{r.Dimension}' is not available yet." : $"'{r.Dimension}' is not a dimension: one of {ReportDimensions.BreakdownNames}.");
        RuleFor(r => r.Limit).Must(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= ReportOptions.MaxBreakdownRows)
            .When(r => r.Limit is not null).OverridePropertyName("limit").WithMessage($"limit is a whole number from 1 to {ReportOptions.MaxBreakdownRows}.");
    }
}

public sealed record BreakdownRow(string Value, long Visitors, long Sessions, long Pageviews, double BounceRate, double AvgSessionSeconds);

public sealed record BreakdownAnswer(string Dimension, string From, string To, IReadOnlyList<BreakdownRow> Rows) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        [Dimension, "visitors", "sessions", "pageviews", "bounce_rate", "avg_session_seconds"],
        Rows.Select(r => (IReadOnlyList<object>)[r.Value, r.Visitors, r.Sessions, r.Pageviews, r.BounceRate, r.AvgSessionSeconds]).ToList());
}

public sealed class BreakdownHandler(IClickHouse clickHouse, ReportSql sql, IOptions<ReportOptions> options, SharedDevices sharedDevices)
    : IRequestHandler<BreakdownReport, BreakdownAnswer>
{
    public async ValueTask<BreakdownAnswer> Handle(BreakdownReport request, CancellationToken ct)
    {
        var dimension = ReportDimensions.Find(request.Dimension)!;
        // A session dimension's persons name the site's shared devices (Identity.SharedDevices); an event dimension's
        // do not: on chDB its read was slower without the shared devices' part (docs/sessions.md).
        var scope = dimension.Source == DimensionSource.Session ? await sharedDevices.WithSharedDevicesAsync(request.Scope(), ct) : request.Scope();
        var limit = request.Limit is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : options.Value.DefaultBreakdownRows;
        var rows = dimension.Source == DimensionSource.Session
            ? await SessionDimensionAsync(scope, dimension, limit, ct)
            : await EventDimensionAsync(scope, dimension, limit, ct);
        return new BreakdownAnswer(dimension.Name, OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), rows);
    }

    /// <summary>
    /// An event dimension: a value's visitors and pageviews from its events (for <c>page</c> only pageviews count:
    /// persons with a pageview of it), its sessions those starting in the range that hold such an event. One read of
    /// the events gives the top values and the "(other)" row (<see cref="TopAndOther"/>); then the sessions are read
    /// with the values outside the top mapped to "(other)".
    /// </summary>
    async Task<List<BreakdownRow>> EventDimensionAsync(ReportScope scope, ReportDimension dimension, int limit, CancellationToken ct)
    {
        var pageviewsOnly = dimension.Name == "page";
        var ranked = await clickHouse.QueryListAsync(TopAndOther(Sql.Query($"""
            SELECT value, uniqExactState(person_hash) AS persons, finalizeAggregation(persons) AS visitors,
                countIf(type = 'pageview') AS pageviews, toUInt64(0) AS sessions, toUInt64(0) AS bounces, toUInt64(0) AS duration_ms
            FROM ({ReportSql.EventPersonHashes(scope, scope.FromMs, scope.ToMs, dimension, dimension.Value, pageviewsOnly)})
            GROUP BY value
            """), limit), ReportRows.Default.BreakdownRanked, ct);
        if (ranked.Count == 0) return [];
        var events = ByValue(ranked, limit);
        var top = ranked.Where(r => r.Rank <= limit).Select(r => r.Value).ToList();
        var mapped = Sql.Query($"if({dimension.Value} IN {SqlInList.Of(top)}, {dimension.Value}, {BreakdownReport.Other})");
        var sessionValues = await sql.SessionValuesAsync(scope, dimension, mapped, pageviewsOnly, ct);
        var sessions = (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT value, count() AS sessions, sum(bounce) AS bounces, sum(duration_ms) AS duration_ms, toUInt64(0) AS visitors, toUInt64(0) AS pageviews
            FROM ({sessionValues})
            GROUP BY value
            """), ReportRows.Default.BreakdownSessions, ct)).ToDictionary(r => r.Value);
        return Rows(top, events.Keys.Concat(sessions.Keys), value =>
        {
            var e = events.GetValueOrDefault(value);
            var s = sessions.GetValueOrDefault(value);
            return Row(value, e?.Visitors ?? 0, s?.Sessions ?? 0, e?.Pageviews ?? 0, s?.Bounces ?? 0, s?.DurationMs ?? 0);
        });
    }

    /// <summary>
    /// A fact of the session: entry or exit page (its first or last pageview's path; sessions without a pageview have
    /// none and are left out), or its first event's channel, source or campaign. One read of the sessions gives the top
    /// values' rows and the "(other)" row (<see cref="TopAndOther"/>).
    /// </summary>
    async Task<List<BreakdownRow>> SessionDimensionAsync(ReportScope scope, ReportDimension dimension, int limit, CancellationToken ct)
    {
        var sessions = await sql.SessionsAsync(scope, ct, personHash: true);
        var skipEmpty = dimension.SkipsEmpty ? Sql.Query($"{dimension.Value} != ''") : Sql.Query($"1");
        var ranked = await clickHouse.QueryListAsync(TopAndOther(Sql.Query($"""
            SELECT {dimension.Value} AS value, uniqExactState(person_hash) AS persons, finalizeAggregation(persons) AS visitors,
                sum(pageviews) AS pageviews, count() AS sessions, sum(bounce) AS bounces, sum(duration_ms) AS duration_ms
            FROM ({sessions})
            WHERE {skipEmpty}
            GROUP BY value
            """), limit), ReportRows.Default.BreakdownRanked, ct);
        var rows = ByValue(ranked, limit);
        var top = ranked.Where(r => r.Rank <= limit).Select(r => r.Value).ToList();
        return Rows(top, rows.Keys, value =>
        {
            var s = rows[value];
            return Row(value, s.Visitors, s.Sessions, s.Pageviews, s.Bounces, s.DurationMs);
        });
    }

    /// <summary>
    /// The top <paramref name="limit"/> rows of <paramref name="grouped"/> by visitors, then pageviews, then value, and
    /// when values are left the "(other)" row of all the rest: its persons merged from their states (distinct persons
    /// do not add up), its counts summed. <paramref name="grouped"/> has one row per value with columns <c>value</c>,
    /// <c>persons</c> (<c>uniqExactState</c> of person hashes), <c>visitors</c>, <c>pageviews</c>, <c>sessions</c>,
    /// <c>bounces</c>, <c>duration_ms</c>. One read where a second read of everything outside the top values took as
    /// long as the first (a page breakdown at 10 M events: 1.2 s + 1.2 s → 1.5 s). The answer's <c>rank</c> is a
    /// row's place, limit + 1 for "(other)". The values are ranked as arrays (no window functions on 18.16), each array
    /// sorted by the same keys, and the rest picked by index: lambdas take every array they read as an argument,
    /// because 18.16 does not see a column a lambda only captures.
    /// </summary>
    static Sql TopAndOther(Sql grouped, int limit) => Sql.Query($"""
        SELECT value, visitors, pageviews, sessions, bounces, duration_ms, rank
        FROM
        (
            SELECT toUInt8(length(vals) > {limit}) AS has_other,
                arraySlice(arraySort((i, v, p, s) -> (-v, -p, s), arrayEnumerate(vals), vis, pvs, vals), 1, {limit}) AS top_index,
                arrayMap((i, top) -> NOT has(top, i), arrayEnumerate(vals), arrayResize([top_index], length(vals), top_index)) AS in_rest,
                arrayConcat(arraySlice(arraySort((x, v, p, s) -> (-v, -p, s), vals, vis, pvs, vals), 1, {limit}), arraySlice([{BreakdownReport.Other}], 1, has_other)) AS out_value,
                arrayConcat(arraySlice(arraySort((x, v, p, s) -> (-v, -p, s), vis, vis, pvs, vals), 1, {limit}),
                    arraySlice([toInt64(arrayReduce('uniqExactMerge', arrayFilter((x, r) -> r, states, in_rest)))], 1, has_other)) AS out_visitors,
                {Ranked(new SqlIdentifier("pvs"), limit)} AS out_pageviews,
                {Ranked(new SqlIdentifier("ses"), limit)} AS out_sessions,
                {Ranked(new SqlIdentifier("bos"), limit)} AS out_bounces,
                {Ranked(new SqlIdentifier("durs"), limit)} AS out_durations
            FROM
            (
                SELECT groupArray(value) AS vals, groupArray(persons) AS states, groupArray(toInt64(visitors)) AS vis,
                    groupArray(toInt64(pageviews)) AS pvs, groupArray(toInt64(sessions)) AS ses, groupArray(toInt64(bounces)) AS bos,
                    groupArray(toInt64(duration_ms)) AS durs
                FROM ({grouped})
            )
        )
        ARRAY JOIN out_value AS value, out_visitors AS visitors, out_pageviews AS pageviews, out_sessions AS sessions,
            out_bounces AS bounces, out_durations AS duration_ms, arrayEnumerate(out_value) AS rank
        """);

    /// <summary>A count column of <see cref="TopAndOther"/>: the top values' counts in rank order, then the rest's sum.</summary>
    static Sql Ranked(SqlIdentifier counts, int limit) => Sql.Query($"""
        arrayConcat(arraySlice(arraySort((x, v, p, s) -> (-v, -p, s), {counts}, vis, pvs, vals), 1, {limit}),
            arraySlice([arraySum(arrayFilter((x, r) -> r, {counts}, in_rest))], 1, has_other))
        """);

    /// <summary>The ranked rows by value, "(other)" for the row past the limit (a value named "(other)" gives way to it).</summary>
    static Dictionary<string, BreakdownRanked> ByValue(List<BreakdownRanked> ranked, int limit)
    {
        var rows = new Dictionary<string, BreakdownRanked>();
        foreach (var row in ranked.OrderBy(r => r.Rank)) rows[row.Rank <= limit ? row.Value : BreakdownReport.Other] = row;
        return rows;
    }

    /// <summary>The top values in their order, then "(other)" when anything fell outside them.</summary>
    static List<BreakdownRow> Rows(List<string> top, IEnumerable<string> found, Func<string, BreakdownRow> row)
    {
        var rows = top.Select(row).ToList();
        if (found.Contains(BreakdownReport.Other) && !top.Contains(BreakdownReport.Other)) rows.Add(row(BreakdownReport.Other));
        return rows;
    }

    static BreakdownRow Row(string value, long visitors, long sessions, long pageviews, long bounces, long durationMs) =>
        new(value.Length == 0 ? BreakdownReport.None : value, visitors, sessions, pageviews,
            OverviewHandler.Rate(bounces, sessions), OverviewHandler.Seconds(durationMs, sessions));
}

/// <summary>A row of <see cref="BreakdownHandler"/>'s ranked read: its place, limit + 1 for "(other)".</summary>
public sealed record BreakdownRanked(string Value, long Visitors, long Pageviews, long Sessions, long Bounces, long DurationMs, long Rank);
public sealed record BreakdownSessions(string Value, long Sessions, long Bounces, long DurationMs, long Visitors, long Pageviews);
