using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Customers;
using Analytics.Reports;
using Analytics.Reports.Filters;
using Analytics.Sessions;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Surveys;

/// <summary>
/// <c>GET /api/reports/surveys</c>: NPS per survey and question (score answers: % promoters 9–10 − % detractors 0–6) and
/// the average rating (stars 1–5) over the range and per <c>interval</c> bucket; each for all answers and broken down by
/// the answering person's A/B/C class and RFM segment and the channel of the answer's session (docs/crm-analytics.md
/// "Surveys and ratings").
/// Free text is never read here.
/// </summary>
public sealed record SurveysReport(ReportInput Input, string? Interval, ClaimsPrincipal User, DateTimeOffset Now) : IReport<SurveysAnswer>
{
    public string Report => "surveys";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"interval={IntervalOf(this.Scope())}";

    public ReportInterval IntervalOf(ReportScope scope) => ReportIntervals.Parse(Interval) ?? ReportIntervals.Default(scope);
}

public sealed class SurveysValidator : AbstractValidator<SurveysReport>
{
    public SurveysValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.Interval).Must(i => ReportIntervals.Parse(i) is not null).When(r => r.Interval is not null)
            .OverridePropertyName("interval").WithMessage("interval is one of hour, day, week, month.");
        RuleFor(r => r).Must(HasFewBuckets).When(r => ReportIntervals.Parse(r.Interval) is not null)
            .OverridePropertyName("interval").WithMessage($"This interval gives more than {ReportIntervals.MaxBuckets} buckets over the range: take a longer one.");
    }

    static bool HasFewBuckets(SurveysReport report) =>
        ReportInputValidator.RangeOf(report) is not { } range || ReportIntervals.Buckets(report.IntervalOf(range), range).Count <= ReportIntervals.MaxBuckets;
}

/// <summary>NPS of one question among the answers of a breakdown value (<c>by</c> all, class, channel or rfm_segment).</summary>
public sealed record NpsRow(string Survey, string Question, string By, string Value, long Answers, long Promoters, long Passives, long Detractors, double Nps);

/// <summary>Ratings of a breakdown value in a bucket (<c>t</c>), or over the whole range (<c>t</c> empty): count and average stars.</summary>
public sealed record RatingRow(string T, string By, string Value, long Ratings, double? AverageStars);

public sealed record SurveysAnswer(string From, string To, string TimeZone, string Interval, IReadOnlyList<NpsRow> Nps,
    IReadOnlyList<RatingRow> Ratings, IReadOnlyList<RatingRow> RatingSeries) : IReportAnswer
{
    /// <summary>One table: NPS rows (<c>kind</c> nps), then rating totals and the series (<c>kind</c> rating).</summary>
    public CsvTable ToCsv() => new(
        ["kind", "t", "survey", "question", "by", "value", "answers", "promoters", "passives", "detractors", "nps", "ratings", "average_stars"],
        [
            .. Nps.Select(n => (IReadOnlyList<object>)["nps", "", n.Survey, n.Question, n.By, n.Value, n.Answers, n.Promoters, n.Passives, n.Detractors, n.Nps, "", ""]),
            .. Ratings.Concat(RatingSeries).Select(r => (IReadOnlyList<object>)["rating", r.T, "", "", r.By, r.Value, "", "", "", "", "", r.Ratings,
                r.AverageStars is { } a ? a : ""]),
        ]);
}

public sealed class SurveysHandler(IClickHouse clickHouse, ISessionSource sessions, IOptions<Analytics.Sessions.SessionOptions> sessionOptions, IOptions<CustomerOptions> abc,
    CustomerOrderSnapshots snapshots)
    : IRequestHandler<SurveysReport, SurveysAnswer>
{
    /// <summary>The breakdowns, in the answer's order: "all" (value ""), then class, channel and RFM segment.</summary>
    public static readonly string[] Breakdowns = ["all", "class", "channel", "rfm_segment"];

    public async ValueTask<SurveysAnswer> Handle(SurveysReport request, CancellationToken ct)
    {
        var scope = await snapshots.WithOrdersAsync(request.Scope(), ct);
        var interval = request.IntervalOf(scope);
        // Sessions that may hold an answer of the range: those starting up to the session tail before it. Only their
        // channel is read (the person is the answer's own), so no identity links are joined to them.
        var answerSessions = await sessions.SessionsAsync(
            new SessionQuery(scope.Site.Id, scope.FromMs - (long)sessionOptions.Value.Tail.TotalMilliseconds, scope.ToMs, WithoutPerson: true,
                VisitorsOf: SurveysSql.Answerers(scope)), ct);
        var cube = await clickHouse.QueryListAsync(SurveysSql.Cube(scope, interval, answerSessions, abc.Value), SurveyRows.Default.SurveyCubeRow, ct);
        var buckets = ReportIntervals.Buckets(interval, scope);
        var starts = buckets.ToDictionary(b => b.Key, b => b.Start);
        return new SurveysAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), scope.Zone.Id,
            ReportIntervals.Name(interval), Nps(cube), Ratings(cube, r => ""),
            Ratings(cube, r => starts.TryGetValue(r.Bucket, out var start) ? OverviewHandler.Iso(start, scope.Zone) : r.Bucket, buckets, scope.Zone));
    }

    static List<NpsRow> Nps(List<SurveyCubeRow> cube) => cube.Where(r => r.Scores > 0)
        .GroupBy(r => (By: r.BreakdownBy, Value: r.BreakdownValue, r.Survey, r.Question))
        .Select(g =>
        {
            var (answers, promoters, detractors) = (g.Sum(r => r.Scores), g.Sum(r => r.Promoters), g.Sum(r => r.Detractors));
            return new NpsRow(g.Key.Survey, g.Key.Question, g.Key.By, g.Key.Value, answers, promoters, answers - promoters - detractors, detractors,
                NpsOf(promoters, detractors, answers));
        })
        .OrderBy(n => Array.IndexOf(Breakdowns, n.By)).ThenBy(n => n.Survey, StringComparer.Ordinal).ThenBy(n => n.Question, StringComparer.Ordinal)
        .ThenBy(n => n.Value, StringComparer.Ordinal)
        .ToList();

    /// <summary>NPS in points (−100 to 100), one decimal: % promoters − % detractors.</summary>
    public static double NpsOf(long promoters, long detractors, long answers) =>
        answers == 0 ? 0 : Math.Round(100.0 * (promoters - detractors) / answers, 1);

    static List<RatingRow> Ratings(List<SurveyCubeRow> cube, Func<SurveyCubeRow, string> t, List<SeriesBucket>? buckets = null, TimeZoneInfo? zone = null)
    {
        var rows = cube.Where(r => r.Ratings > 0)
            .GroupBy(r => (T: t(r), By: r.BreakdownBy, Value: r.BreakdownValue))
            .Select(g => new RatingRow(g.Key.T, g.Key.By, g.Key.Value, g.Sum(r => r.Ratings), Math.Round((double)g.Sum(r => r.Stars) / g.Sum(r => r.Ratings), 2)))
            .ToList();
        if (buckets is not null) // the series of all ratings has every bucket, empty ones too
            rows.AddRange(buckets.Select(b => OverviewHandler.Iso(b.Start, zone!)).Where(iso => !rows.Any(r => r.By == "all" && r.T == iso))
                .Select(iso => new RatingRow(iso, "all", "", 0, null)));
        return rows.OrderBy(r => Array.IndexOf(Breakdowns, r.By)).ThenBy(r => r.T, StringComparer.Ordinal).ThenBy(r => r.Value, StringComparer.Ordinal).ToList();
    }
}

public sealed record SurveyCubeRow(string BreakdownBy, string BreakdownValue, string Survey, string Question, string Bucket,
    long Scores, long Promoters, long Detractors, long Ratings, long Stars);

[JsonSerializable(typeof(SurveyCubeRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class SurveyRows : JsonSerializerContext;
