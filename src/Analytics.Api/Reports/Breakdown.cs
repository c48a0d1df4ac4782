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

public sealed class BreakdownHandler(IClickHouse clickHouse, ReportSql sql, IOptions<ReportOptions> options) : IRequestHandler<BreakdownReport, BreakdownAnswer>
{
    public async ValueTask<BreakdownAnswer> Handle(BreakdownReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var dimension = ReportDimensions.Find(request.Dimension)!;
        var limit = request.Limit is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : options.Value.DefaultBreakdownRows;
        var rows = dimension.Source == DimensionSource.Session
            ? await SessionDimensionAsync(scope, dimension, limit, ct)
            : await EventDimensionAsync(scope, dimension, limit, ct);
        return new BreakdownAnswer(dimension.Name, OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), rows);
    }

    /// <summary>
    /// An event dimension: a value's visitors and pageviews from its events (for <c>page</c> only pageviews count:
    /// persons with a pageview of it), its sessions those starting in the range that hold such an event. One ranked
    /// read gives the top values' visitors and pageviews, and one row past the limit says whether "(other)" exists;
    /// then the sessions and, only when it exists, the "(other)" row are read side by side.
    /// </summary>
    async Task<List<BreakdownRow>> EventDimensionAsync(ReportScope scope, ReportDimension dimension, int limit, CancellationToken ct)
    {
        var pageviewsOnly = dimension.Name == "page";
        var ranked = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT value, {PersonSql.DistinctPersons} AS visitors, countIf(type = 'pageview') AS pageviews, toUInt64(0) AS sessions
            FROM ({ReportSql.Events(scope, scope.FromMs, scope.ToMs, dimension, dimension.Value, pageviewsOnly)})
            GROUP BY value
            ORDER BY visitors DESC, pageviews DESC, value
            LIMIT {limit + 1}
            """), ReportRows.Default.BreakdownEvents, ct);
        if (ranked.Count == 0) return [];
        var events = ranked.Take(limit).ToDictionary(r => r.Value);
        var top = events.Keys.ToList();
        var mapped = Sql.Query($"if({dimension.Value} IN {SqlInList.Of(top)}, {dimension.Value}, {BreakdownReport.Other})");
        var sessionValues = await sql.SessionValuesAsync(scope, dimension, mapped, pageviewsOnly, ct);
        var otherRows = ranked.Count > limit
            ? clickHouse.QueryListAsync(Sql.Query($"""
                SELECT {BreakdownReport.Other} AS value, {PersonSql.DistinctPersons} AS visitors, countIf(type = 'pageview') AS pageviews, toUInt64(0) AS sessions
                FROM (SELECT person, type FROM ({ReportSql.Events(scope, scope.FromMs, scope.ToMs, dimension, dimension.Value, pageviewsOnly)}) WHERE value NOT IN {SqlInList.Of(top)}) AS other_events
                """), ReportRows.Default.BreakdownEvents, ct)
            : Task.FromResult(new List<BreakdownEvents>());
        var sessionRows = clickHouse.QueryListAsync(Sql.Query($"""
            SELECT value, count() AS sessions, sum(bounce) AS bounces, sum(duration_ms) AS duration_ms, toUInt64(0) AS visitors, toUInt64(0) AS pageviews
            FROM ({sessionValues})
            GROUP BY value
            """), ReportRows.Default.BreakdownSessions, ct);
        await Task.WhenAll(otherRows, sessionRows);
        foreach (var other in await otherRows) events[other.Value] = other;
        var sessions = (await sessionRows).ToDictionary(r => r.Value);
        return Rows(top, events.Keys.Concat(sessions.Keys), value =>
        {
            var e = events.GetValueOrDefault(value);
            var s = sessions.GetValueOrDefault(value);
            return Row(value, e?.Visitors ?? 0, s?.Sessions ?? 0, e?.Pageviews ?? 0, s?.Bounces ?? 0, s?.DurationMs ?? 0);
        });
    }

    /// <summary>
    /// A fact of the session: entry or exit page (its first or last pageview's path; sessions without a pageview have
    /// none and are left out), or its first event's channel, source or campaign. One ranked read gives the top values'
    /// rows; a second, only when more values exist than the limit, the "(other)" row.
    /// </summary>
    async Task<List<BreakdownRow>> SessionDimensionAsync(ReportScope scope, ReportDimension dimension, int limit, CancellationToken ct)
    {
        var sessions = await sql.SessionsAsync(scope, ct);
        var skipEmpty = dimension.SkipsEmpty ? Sql.Query($"{dimension.Value} != ''") : Sql.Query($"1");
        Task<List<BreakdownSessions>> Read(Sql value, Sql where, Sql ranking) => clickHouse.QueryListAsync(Sql.Query($"""
            SELECT {value} AS value, count() AS sessions, sum(bounce) AS bounces, sum(duration_ms) AS duration_ms,
                {PersonSql.DistinctPersons} AS visitors, sum(pageviews) AS pageviews
            FROM ({sessions})
            WHERE {skipEmpty} {where}
            {ranking}
            """), ReportRows.Default.BreakdownSessions, ct);
        var ranked = await Read(dimension.Value, Sql.Query($""),
            Sql.Query($"GROUP BY value ORDER BY visitors DESC, pageviews DESC, value LIMIT {limit + 1}"));
        if (ranked.Count == 0) return [];
        var rows = ranked.Take(limit).ToDictionary(r => r.Value);
        var top = rows.Keys.ToList();
        if (ranked.Count > limit)
            foreach (var other in await Read(Sql.Query($"{BreakdownReport.Other}"), Sql.Query($"AND {dimension.Value} NOT IN {SqlInList.Of(top)}"), Sql.Query($"")))
                rows[other.Value] = other;
        return Rows(top, rows.Keys, value =>
        {
            var s = rows[value];
            return Row(value, s.Visitors, s.Sessions, s.Pageviews, s.Bounces, s.DurationMs);
        });
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

public sealed record BreakdownEvents(string Value, long Visitors, long Pageviews, long Sessions);
public sealed record BreakdownSessions(string Value, long Sessions, long Bounces, long DurationMs, long Visitors, long Pageviews);
