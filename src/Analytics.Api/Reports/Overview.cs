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
    /// <summary>
    /// The four queries are independent and run at once (both engines serve several readers in parallel): the range's
    /// events (series and totals in one read), its sessions, and the previous period's events and sessions. Their SQL
    /// is built first, all at once too: the small reads that choose stored or computed days then do not queue behind
    /// the big ones.
    /// </summary>
    public async ValueTask<OverviewAnswer> Handle(OverviewReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var previousScope = scope.Previous();
        var interval = request.IntervalOf(scope);
        var wholeHours = ReportIntervals.StartOnWholeHours(interval, scope);
        var sources = new[] // counts of sessions need no person
        {
            sql.PersonTimesAsync(scope, wholeHours, ct).AsTask(), sql.SessionsAsync(scope, ct, withoutPerson: true).AsTask(),
            sql.PersonTimesAsync(previousScope, wholeHours: true, ct).AsTask(), sql.SessionsAsync(previousScope, ct, withoutPerson: true).AsTask(),
        };
        var built = await Task.WhenAll(sources);
        var eventSeries = EventBucketsAsync(built[0], scope, interval, ct);
        var sessionSeries = SessionBucketsAsync(built[1], scope, interval, ct);
        var previousEvents = EventTotalsAsync(built[2], ct);
        var previousSessions = SessionBucketsAsync(built[3], previousScope, interval, ct);
        await Task.WhenAll(eventSeries, sessionSeries, previousSessions, previousEvents);

        var (eventBuckets, events) = await eventSeries;
        var eventsByBucket = eventBuckets.ToDictionary(r => r.Bucket);
        var sessionsByBucket = (await sessionSeries).ToDictionary(r => r.Bucket);
        var series = ReportIntervals.Buckets(interval, scope).Select(b =>
        {
            var e = eventsByBucket.GetValueOrDefault(b.Key);
            var s = sessionsByBucket.GetValueOrDefault(b.Key);
            return new OverviewPoint(Iso(b.Start, scope.Zone), e?.Visitors ?? 0, e?.Pageviews ?? 0, s?.Sessions ?? 0,
                Rate(s?.Bounces ?? 0, s?.Sessions ?? 0), Seconds(s?.DurationMs ?? 0, s?.Sessions ?? 0));
        }).ToList();
        var current = Totals(scope, events, await sessionSeries);
        return new OverviewAnswer(current.From, current.To, scope.Zone.Id, ReportIntervals.Name(interval), current.Visitors, current.Sessions,
            current.Pageviews, current.BounceRate, current.AvgSessionSeconds, series, Totals(previousScope, await previousEvents, await previousSessions));
    }

    /// <summary>
    /// Per bucket the distinct persons and pageviews, and the range's totals from the same read: distinct persons do not
    /// add up over buckets, but the buckets' uniqExact states merge exactly (one pass over the events instead of two).
    /// </summary>
    async Task<(List<BucketEvents> Buckets, EventTotals Totals)> EventBucketsAsync(Sql events, ReportScope scope, ReportInterval interval, CancellationToken ct)
    {
        var series = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT groupArray(bucket_key) AS buckets, groupArray(finalizeAggregation(persons)) AS bucket_visitors,
                groupArray(views) AS bucket_pageviews, uniqExactMerge(persons) AS visitors, sum(views) AS pageviews
            FROM
            (
                SELECT {ReportIntervals.KeySql(interval, Sql.Query($"t"), scope.Zone)} AS bucket_key, uniqExactState(person_hash) AS persons,
                    sum(pageviews) AS views
                FROM ({events})
                GROUP BY bucket_key
            )
            """), ReportRows.Default.EventSeries, ct);
        if (series is null) return ([], new EventTotals(0, 0));
        var buckets = series.Buckets.Select((b, i) => new BucketEvents(b, series.BucketVisitors[i], series.BucketPageviews[i])).ToList();
        return (buckets, new EventTotals(series.Visitors, series.Pageviews));
    }

    async Task<List<BucketSessions>> SessionBucketsAsync(Sql sessions, ReportScope scope, ReportInterval interval, CancellationToken ct) =>
        await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT {ReportIntervals.KeySql(interval, Sql.Query($"toDateTime(intDiv(start_ms, 1000))"), scope.Zone)} AS bucket,
                count() AS sessions, sum(bounce) AS bounces, sum(duration_ms) AS duration_ms
            FROM ({sessions})
            GROUP BY bucket
            """), ReportRows.Default.BucketSessions, ct);

    /// <summary>The previous period's distinct persons and pageviews (no series).</summary>
    async Task<EventTotals> EventTotalsAsync(Sql events, CancellationToken ct) =>
        await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT uniqExact(person_hash) AS visitors, sum(pageviews) AS pageviews FROM ({events})
            """), ReportRows.Default.EventTotals, ct) ?? new EventTotals(0, 0);

    static OverviewTotals Totals(ReportScope scope, EventTotals events, List<BucketSessions> sessionBuckets)
    {
        var (sessions, bounces, durationMs) = (sessionBuckets.Sum(b => b.Sessions), sessionBuckets.Sum(b => b.Bounces), sessionBuckets.Sum(b => b.DurationMs));
        return new OverviewTotals(events.Visitors, sessions, events.Pageviews, Rate(bounces, sessions), Seconds(durationMs, sessions))
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
public sealed record EventSeries(List<string> Buckets, List<long> BucketVisitors, List<long> BucketPageviews, long Visitors, long Pageviews);

[JsonSerializable(typeof(BucketEvents))]
[JsonSerializable(typeof(BucketSessions))]
[JsonSerializable(typeof(EventTotals))]
[JsonSerializable(typeof(EventSeries))]
[JsonSerializable(typeof(BreakdownRanked))]
[JsonSerializable(typeof(BreakdownSessions))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class ReportRows : JsonSerializerContext;
