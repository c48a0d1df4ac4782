using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Identity;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Reports;

/// <summary>A report about "now": never answered from the cache (<see cref="Pipeline.ReportCaching{TMessage,TResponse}"/> skips it).</summary>
public interface ILiveReport;

/// <summary>
/// <c>GET /api/reports/realtime</c>: the persons with a matching event in the last <see cref="Window"/> (5 minutes up to
/// the request), their pageviews, the top pages by persons and the sources they arrive from. <c>from</c>/<c>to</c> are
/// ignored (the window is the range); filters apply.
/// </summary>
public sealed record RealtimeReport(ReportInput Input, ClaimsPrincipal User, DateTimeOffset Now) : IReport<RealtimeAnswer>, ILiveReport
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    public const int Top = 10;

    public string Report => "realtime";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => "";

    /// <summary>The scope's site and filters over [now − 5 min, now] (an event stamped this very millisecond included).</summary>
    public ReportScope WindowScope() => this.Scope() with { From = Now - Window, To = Now.AddMilliseconds(1), FirstDay = null, LastDay = null };
}

public sealed class RealtimeValidator : AbstractValidator<RealtimeReport>
{
    public RealtimeValidator() => Include(new ReportInputValidator());
}

public sealed record RealtimePage(string Path, long Persons);
public sealed record RealtimeSource(string Source, long Persons);

public sealed record RealtimeAnswer(string From, string To, long Persons, long Pageviews, IReadOnlyList<RealtimePage> Pages, IReadOnlyList<RealtimeSource> Sources) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["kind", "value", "persons"],
        [
            ["total", "", Persons],
            .. Pages.Select(p => (IReadOnlyList<object>)["page", p.Path, p.Persons]),
            .. Sources.Select(s => (IReadOnlyList<object>)["source", s.Source, s.Persons]),
        ]);
}

public sealed class RealtimeHandler(IClickHouse clickHouse) : IRequestHandler<RealtimeReport, RealtimeAnswer>
{
    /// <summary>The event columns the three queries read, carried through the one event SQL as a tuple value.</summary>
    static readonly ReportDimension NowColumns = new("realtime", DimensionSource.Event, Sql.Query($"tuple(path, source, channel)"), ["path", "source", "channel"]);

    /// <summary>
    /// Sources: persons by the <c>source</c> of their events arriving from outside the site (channel not <c>internal</c>) in
    /// the window; "(none)" for a direct visit. Pages: persons with a pageview of each path in the window.
    /// </summary>
    public async ValueTask<RealtimeAnswer> Handle(RealtimeReport request, CancellationToken ct)
    {
        var scope = request.WindowScope();
        // A few minutes' events: only their visitors' identity links are read.
        var events = ReportSql.Events(scope, scope.FromMs, scope.ToMs, NowColumns, NowColumns.Value, fewRows: true);
        var totals = clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT {PersonSql.DistinctPersons} AS persons, countIf(type = 'pageview') AS pageviews FROM ({events})
            """), RealtimeRows.Default.RealtimeTotals, ct);
        var pages = clickHouse.QueryListAsync(Sql.Query($"""
            SELECT tupleElement(value, 1) AS item, {PersonSql.DistinctPersons} AS persons
            FROM ({events})
            WHERE type = 'pageview'
            GROUP BY item
            ORDER BY persons DESC, item
            LIMIT {RealtimeReport.Top}
            """), RealtimeRows.Default.RealtimeItem, ct);
        var sources = clickHouse.QueryListAsync(Sql.Query($"""
            SELECT tupleElement(value, 2) AS item, {PersonSql.DistinctPersons} AS persons
            FROM ({events})
            WHERE tupleElement(value, 3) != 'internal'
            GROUP BY item
            ORDER BY persons DESC, item
            LIMIT {RealtimeReport.Top}
            """), RealtimeRows.Default.RealtimeItem, ct);
        await Task.WhenAll(totals, pages, sources);
        var total = await totals ?? new RealtimeTotals(0, 0);
        return new RealtimeAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), total.Persons, total.Pageviews,
            (await pages).Select(p => new RealtimePage(p.Item, p.Persons)).ToList(),
            (await sources).Select(s => new RealtimeSource(s.Item.Length == 0 ? BreakdownReport.None : s.Item, s.Persons)).ToList());
    }
}

public sealed record RealtimeTotals(long Persons, long Pageviews);
public sealed record RealtimeItem(string Item, long Persons);

[JsonSerializable(typeof(RealtimeTotals))]
[JsonSerializable(typeof(RealtimeItem))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class RealtimeRows : JsonSerializerContext;
