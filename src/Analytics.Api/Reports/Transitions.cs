using System.Globalization;
using System.Security.Claims;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Reports;

/// <summary>
/// <c>GET /api/reports/transitions?page=P</c> (DESIGN.md "Semantics", Transitions): in each session, the pageview path
/// directly following a pageview of P (or "(exit)") and the one directly before it (or "(entrance)"), consecutive
/// pageviews of one path counting once; a row counts the sessions in which that transition occurs. Rows by sessions,
/// then path; all of them, or the top <c>limit</c>.
/// </summary>
public sealed record TransitionsReport(ReportInput Input, string? Page, string? Limit, ClaimsPrincipal User, DateTimeOffset Now) : IReport<TransitionsAnswer>
{
    public const string Entrance = "(entrance)";
    public const string Exit = "(exit)";

    public string Report => "transitions";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"page={Page}&limit={Limit}";
}

public sealed class TransitionsValidator : AbstractValidator<TransitionsReport>
{
    public TransitionsValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.Page).NotEmpty().OverridePropertyName("page").WithMessage("Name the page: its path, e.g. page=/cart.");
        RuleFor(r => r.Limit).Must(l => ReportLimits.IsValid(l, ReportOptions.MaxBreakdownRows)).When(r => r.Limit is not null)
            .OverridePropertyName("limit").WithMessage($"limit is a whole number from 1 to {ReportOptions.MaxBreakdownRows}.");
    }
}

public sealed record TransitionRow(string Path, long Sessions);

public sealed record TransitionsAnswer(string Page, string From, string To, IReadOnlyList<TransitionRow> Previous, IReadOnlyList<TransitionRow> Next) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["direction", "path", "sessions"],
        Previous.Select(r => (IReadOnlyList<object>)["previous", r.Path, r.Sessions])
            .Concat(Next.Select(r => (IReadOnlyList<object>)["next", r.Path, r.Sessions])).ToList());
}

public sealed class TransitionsHandler(IClickHouse clickHouse, SessionPages pages) : IRequestHandler<TransitionsReport, TransitionsAnswer>
{
    public async ValueTask<TransitionsAnswer> Handle(TransitionsReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var page = request.Page!;
        var sessions = await pages.SessionsAsync(scope, ct);
        // Collapsed sequences hold P at most once in a row, so its neighbours are other paths; a session counts once per row.
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT transition.1 AS direction, transition.2 AS path, count() AS sessions
            FROM
            (
                SELECT arrayConcat(
                    arrayMap(p -> ('previous', p), arrayReduce('groupUniqArray',
                        arrayFilter((before, p) -> p = {page}, arrayPopBack(arrayPushFront(pages, {TransitionsReport.Entrance})), pages))),
                    arrayMap(p -> ('next', p), arrayReduce('groupUniqArray',
                        arrayFilter((after, p) -> p = {page}, arrayPopFront(arrayPushBack(pages, {TransitionsReport.Exit})), pages)))) AS transitions
                FROM ({sessions}) AS session_pages
                WHERE has(pages, {page})
            ) AS page_sessions
            ARRAY JOIN transitions AS transition
            GROUP BY direction, path
            ORDER BY sessions DESC, path
            """), PathJson.Default.TransitionCount, ct);
        var limit = request.Limit is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : int.MaxValue;
        List<TransitionRow> Side(string direction) =>
            rows.Where(r => r.Direction == direction).Take(limit).Select(r => new TransitionRow(r.Path, r.Sessions)).ToList();
        return new TransitionsAnswer(page, OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), Side("previous"), Side("next"));
    }
}

/// <summary>Parsing of the optional whole-number parameters of the path reports.</summary>
public static class ReportLimits
{
    public static bool IsValid(string? text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max;
}

public sealed record TransitionCount(string Direction, string Path, long Sessions);
