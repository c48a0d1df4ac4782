using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Reports;

/// <summary>
/// <c>GET /api/reports/overview</c>: visitors (distinct persons), sessions, pageviews, bounce rate and average session
/// duration of the range (DESIGN.md "Semantics"), a series in <c>interval</c> buckets of the site's time zone, and the
/// same numbers for the previous period of equal length.
/// </summary>
public sealed record OverviewReport(ReportInput Input, string? Interval, ClaimsPrincipal User, DateTimeOffset Now) : IReport<OverviewAnswer>
{
    public string Report => "overview";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"interval={IntervalOf(this.Scope())}";

    public ReportInterval IntervalOf(ReportScope scope) => ReportIntervals.Parse(Interval) ?? ReportIntervals.Default(scope);
}

public sealed class OverviewValidator : AbstractValidator<OverviewReport>
{
    public OverviewValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.Interval).Must(i => ReportIntervals.Parse(i) is not null).When(r => r.Interval is not null)
            .OverridePropertyName("interval").WithMessage("interval is one of hour, day, week, month.");
        RuleFor(r => r).Must(HasFewBuckets).When(r => ReportIntervals.Parse(r.Interval) is not null)
            .OverridePropertyName("interval").WithMessage($"This interval gives more than {ReportIntervals.MaxBuckets} buckets over the range: take a longer one.");
    }

    static bool HasFewBuckets(OverviewReport report) =>
        ReportInputValidator.RangeOf(report) is not { } range || ReportIntervals.Buckets(report.IntervalOf(range), range).Count <= ReportIntervals.MaxBuckets;
}

/// <summary>The five numbers of a period.</summary>
public sealed record OverviewTotals(long Visitors, long Sessions, long Pageviews, double BounceRate, double AvgSessionSeconds)
{
    [JsonPropertyOrder(-1)] public string From { get; init; } = "";
    [JsonPropertyOrder(-1)] public string To { get; init; } = "";
}

/// <summary>
/// One bucket of the series: <c>t</c> its first instant (ISO-8601 with the zone's offset), visitors and pageviews of
/// its events, and the sessions starting in it with their bounce rate and average duration.
/// </summary>
public sealed record OverviewPoint(string T, long Visitors, long Pageviews, long Sessions, double BounceRate, double AvgSessionSeconds);

public sealed record OverviewAnswer(
    string From, string To, string TimeZone, string Interval, long Visitors, long Sessions, long Pageviews, double BounceRate,
    double AvgSessionSeconds, IReadOnlyList<OverviewPoint> Series, OverviewTotals Previous) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["t", "visitors", "pageviews", "sessions", "bounce_rate", "avg_session_seconds"],
        [
            .. Series.Select(p => (IReadOnlyList<object>)[p.T, p.Visitors, p.Pageviews, p.Sessions, p.BounceRate, p.AvgSessionSeconds]),
            ["total", Visitors, Pageviews, Sessions, BounceRate, AvgSessionSeconds],
            ["previous", Previous.Visitors, Previous.Pageviews, Previous.Sessions, Previous.BounceRate, Previous.AvgSessionSeconds],
        ]);
}

public sealed class OverviewHandler(IClickHouse clickHouse, ReportSql sql) : IRequestHandler<OverviewReport, OverviewAnswer>
{
    public async ValueTask<OverviewAnswer> Handle(OverviewReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var interval = request.IntervalOf(scope);
        var buckets = ReportIntervals.Buckets(interval, scope);

        var eventSeries = (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT {ReportIntervals.KeySql(interval, Sql.Query($"ts"), scope.Zone)} AS bucket, uniqExact(person) AS visitors, countIf(type = 'pageview') AS pageviews
            FROM ({ReportSql.Events(scope)})
            GROUP BY bucket
            """), ReportRows.Default.BucketEvents, ct)).ToDictionary(r => r.Bucket);
        var sessionSeries = (await SessionBucketsAsync(scope, interval, ct)).ToDictionary(r => r.Bucket);

        var series = buckets.Select(b =>
        {
            var events = eventSeries.GetValueOrDefault(b.Key);
            var sessions = sessionSeries.GetValueOrDefault(b.Key);
            return new OverviewPoint(Iso(b.Start, scope.Zone), events?.Visitors ?? 0, events?.Pageviews ?? 0, sessions?.Sessions ?? 0,
                Rate(sessions?.Bounces ?? 0, sessions?.Sessions ?? 0), Seconds(sessions?.DurationMs ?? 0, sessions?.Sessions ?? 0));
        }).ToList();
        var current = await TotalsAsync(scope, sessionSeries.Values, ct);
        var previousScope = scope.Previous();
        var previous = await TotalsAsync(previousScope, await SessionBucketsAsync(previousScope, interval, ct), ct);
        return new OverviewAnswer(current.From, current.To, scope.Zone.Id, ReportIntervals.Name(interval), current.Visitors, current.Sessions,
            current.Pageviews, current.BounceRate, current.AvgSessionSeconds, series, previous);
    }

    async Task<List<BucketSessions>> SessionBucketsAsync(ReportScope scope, ReportInterval interval, CancellationToken ct)
    {
        var sessions = await sql.SessionsAsync(scope, ct);
        return await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT {ReportIntervals.KeySql(interval, Sql.Query($"toDateTime(intDiv(start_ms, 1000))"), scope.Zone)} AS bucket,
                count() AS sessions, sum(bounce) AS bounces, sum(duration_ms) AS duration_ms
            FROM ({sessions})
            GROUP BY bucket
            """), ReportRows.Default.BucketSessions, ct);
    }

    /// <summary>Distinct persons need their own query (they do not add up over buckets); session numbers do.</summary>
    async Task<OverviewTotals> TotalsAsync(ReportScope scope, IEnumerable<BucketSessions> sessionBuckets, CancellationToken ct)
    {
        var events = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT uniqExact(person) AS visitors, countIf(type = 'pageview') AS pageviews FROM ({ReportSql.Events(scope)})
            """), ReportRows.Default.EventTotals, ct);
        var all = sessionBuckets.ToList();
        var (sessions, bounces, durationMs) = (all.Sum(b => b.Sessions), all.Sum(b => b.Bounces), all.Sum(b => b.DurationMs));
        return new OverviewTotals(events?.Visitors ?? 0, sessions, events?.Pageviews ?? 0, Rate(bounces, sessions), Seconds(durationMs, sessions))
        {
            From = Iso(scope.From, scope.Zone), To = Iso(scope.To, scope.Zone),
        };
    }

    internal static double Rate(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    internal static double Seconds(long durationMs, long sessions) => sessions == 0 ? 0 : Math.Round(durationMs / 1000.0 / sessions, 1);

    internal static string Iso(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record BucketEvents(string Bucket, long Visitors, long Pageviews);
public sealed record BucketSessions(string Bucket, long Sessions, long Bounces, long DurationMs);
public sealed record EventTotals(long Visitors, long Pageviews);

[JsonSerializable(typeof(BucketEvents))]
[JsonSerializable(typeof(BucketSessions))]
[JsonSerializable(typeof(EventTotals))]
[JsonSerializable(typeof(BreakdownEvents))]
[JsonSerializable(typeof(BreakdownSessions))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class ReportRows : JsonSerializerContext;
