using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Reports;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Crm.Rfm;

/// <summary>
/// <c>GET /api/reports/rfm</c>: the customers and revenue of each RFM segment in the range (<see cref="RfmSql"/>), how
/// the R, F and M scores are distributed, and the movement of customers between segments from the previous period of
/// the same length to this one (<c>none</c>: not scored in that period, i.e. no order). Like A/B/C, filters never change
/// the scores: they narrow the customers counted to those with a matching event in the range.
/// </summary>
public sealed record RfmReport(ReportInput Input, ClaimsPrincipal User, DateTimeOffset Now) : IReport<RfmAnswer>
{
    /// <summary>The segment of a customer not scored in a period (no order in it), in the movement.</summary>
    public const string None = "none";

    public string Report => "rfm";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => "";
}

public sealed class RfmValidator : AbstractValidator<RfmReport>
{
    public RfmValidator() => Include(new ReportInputValidator());
}

public sealed record RfmSegmentTotal(string Segment, long Customers, double Revenue);

/// <summary>How many customers have score <see cref="Score"/> in each measure.</summary>
public sealed record RfmScoreCount(int Score, long Recency, long Frequency, long Monetary);

public sealed record RfmMove(string FromSegment, string ToSegment, long Customers);

public sealed record RfmAnswer(string From, string To, string PreviousFrom, string PreviousTo, long Customers, double Revenue,
    IReadOnlyList<RfmSegmentTotal> Segments, IReadOnlyList<RfmScoreCount> Scores, IReadOnlyList<RfmMove> Movement) : IReportAnswer
{
    /// <summary>One table, a <c>section</c> per part: segment rows, score rows (name = score) and movement rows (name = to, previous = from).</summary>
    public CsvTable ToCsv() => new(["section", "name", "previous", "customers", "revenue"],
        Segments.Select(s => (IReadOnlyList<object>)["segment", s.Segment, "", s.Customers, s.Revenue])
            .Concat(Scores.SelectMany(s => new IReadOnlyList<object>[]
            {
                ["recency", s.Score, "", s.Recency, ""], ["frequency", s.Score, "", s.Frequency, ""], ["monetary", s.Score, "", s.Monetary, ""],
            }))
            .Concat(Movement.Select(m => (IReadOnlyList<object>)["movement", m.ToSegment, m.FromSegment, m.Customers, ""]))
            .ToList());
}

public sealed class RfmHandler(IClickHouse clickHouse, Customers.CustomerOrderSnapshots snapshots) : IRequestHandler<RfmReport, RfmAnswer>
{
    public async ValueTask<RfmAnswer> Handle(RfmReport request, CancellationToken ct)
    {
        var scope = await snapshots.WithOrdersAsync(request.Scope(), ct);
        var previous = scope.Previous();
        var matching = scope.Conditions.Count == 0 ? Sql.Query($"1") : Sql.Query($"customer_id IN (SELECT person FROM ({ReportSql.Events(scope)}))");
        // One statement: both periods' segments side by side per customer, grouped to at most 12 × 12 × 125 cells.
        var cells = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT previous_segment, current_segment, r, f, m, count() AS customers, sum(revenue) AS revenue
            FROM
            (
                SELECT customer_id, max(period_previous) AS previous_segment, max(period_current) AS current_segment,
                    max(scored_r) AS r, max(scored_f) AS f, max(scored_m) AS m, sum(scored_revenue) AS revenue
                FROM
                (
                    SELECT customer_id, segment AS period_previous, '' AS period_current, toUInt8(0) AS scored_r, toUInt8(0) AS scored_f,
                        toUInt8(0) AS scored_m, toFloat64(0) AS scored_revenue
                    FROM ({RfmSql.Segments(scope.Orders, previous.From, previous.To)})
                    UNION ALL
                    SELECT customer_id, '' AS period_previous, segment AS period_current, r AS scored_r, f AS scored_f, m AS scored_m,
                        revenue AS scored_revenue
                    FROM ({RfmSql.Segments(scope.Orders, scope.From, scope.To)})
                )
                GROUP BY customer_id
            )
            WHERE {matching}
            GROUP BY previous_segment, current_segment, r, f, m
            """), RfmRows.Default.RfmCellRow, ct);

        var scored = cells.Where(c => c.CurrentSegment.Length > 0).ToList();
        var segments = RfmSegmentTable.Names.Select(name =>
        {
            var mine = scored.Where(c => c.CurrentSegment == name).ToList();
            return new RfmSegmentTotal(name, mine.Sum(c => c.Customers), Math.Round(mine.Sum(c => c.Revenue), 2));
        }).ToList();
        var scores = Enumerable.Range(1, 5).Select(s => new RfmScoreCount(s,
            scored.Where(c => c.R == s).Sum(c => c.Customers), scored.Where(c => c.F == s).Sum(c => c.Customers),
            scored.Where(c => c.M == s).Sum(c => c.Customers))).ToList();
        var order = RfmSegmentTable.Names.Append(RfmReport.None).Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        var movement = cells
            .GroupBy(c => (From: Named(c.PreviousSegment), To: Named(c.CurrentSegment)))
            .Select(g => new RfmMove(g.Key.From, g.Key.To, g.Sum(c => c.Customers)))
            .OrderBy(m => order[m.FromSegment]).ThenBy(m => order[m.ToSegment])
            .ToList();
        return new RfmAnswer(Iso(scope.From, scope), Iso(scope.To, scope), Iso(previous.From, scope), Iso(previous.To, scope),
            scored.Sum(c => c.Customers), Math.Round(scored.Sum(c => c.Revenue), 2), segments, scores, movement);
    }

    static string Named(string segment) => segment.Length == 0 ? RfmReport.None : segment;

    static string Iso(DateTimeOffset instant, ReportScope scope) => OverviewHandler.Iso(instant, scope.Zone);
}

public sealed record RfmCellRow(string PreviousSegment, string CurrentSegment, int R, int F, int M, long Customers, double Revenue);

[JsonSerializable(typeof(RfmCellRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class RfmRows : JsonSerializerContext;
