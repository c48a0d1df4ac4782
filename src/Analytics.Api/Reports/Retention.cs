using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Reports;

/// <summary>
/// <c>GET /api/reports/retention?cohort=first_visit|first_purchase&amp;period=week|month</c> (DESIGN.md "Semantics"): a
/// person's cohort is the week (from Monday) or month, in the site's zone, of their first matching event in the range
/// (their first purchase for <c>first_purchase</c>); <c>returning[k]</c> counts the persons of a cohort with such an
/// event in the k-th period after the cohort's own, up to the range's last period.
/// </summary>
public sealed record RetentionReport(ReportInput Input, string? Cohort, string? Period, ClaimsPrincipal User, DateTimeOffset Now) : IReport<RetentionAnswer>
{
    public const string FirstVisit = "first_visit";
    public const string FirstPurchase = "first_purchase";

    public string Report => "retention";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"cohort={CohortKind}&period={ReportIntervals.Name(PeriodInterval)}";

    /// <summary>The cohort kind, normalised: the issue's <c>purchase</c> is <c>first_purchase</c>; none is <c>first_visit</c>.</summary>
    public string CohortKind => CohortOf(Cohort) ?? FirstVisit;

    public ReportInterval PeriodInterval => Period == "month" ? ReportInterval.Month : ReportInterval.Week;

    public static string? CohortOf(string? text) => text switch
    {
        null or FirstVisit => FirstVisit,
        FirstPurchase or "purchase" => FirstPurchase,
        _ => null,
    };
}

public sealed class RetentionValidator : AbstractValidator<RetentionReport>
{
    public RetentionValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.Cohort).Must(c => RetentionReport.CohortOf(c) is not null)
            .OverridePropertyName("cohort").WithMessage("cohort is first_visit or first_purchase (also purchase).");
        RuleFor(r => r.Period).Must(p => p is null or "week" or "month")
            .OverridePropertyName("period").WithMessage("period is week or month.");
    }
}

/// <summary>
/// One cohort: <c>start</c> its period's first instant (ISO-8601 with the zone's offset), its persons, and per following
/// period k the persons returning (<c>returning[0]</c> = <c>persons</c>) and their share of the cohort (0..1).
/// </summary>
public sealed record RetentionCohort(string Start, long Persons, IReadOnlyList<long> Returning, IReadOnlyList<double> Rates);

public sealed record RetentionAnswer(string From, string To, string TimeZone, string Cohort, string Period, IReadOnlyList<RetentionCohort> Cohorts) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["start", "period", "persons", "returning", "rate"],
        Cohorts.SelectMany(c => c.Returning.Select((n, k) => (IReadOnlyList<object>)[c.Start, k, c.Persons, n, c.Rates[k]])).ToList());
}

public sealed class RetentionHandler(IClickHouse clickHouse, ReportSql sql) : IRequestHandler<RetentionReport, RetentionAnswer>
{
    /// <summary>
    /// The first day of an event's week (Monday) or month in the zone, as a Date: the keys of
    /// <see cref="ReportIntervals.KeySql"/> once turned into text, which the query does only at the end (per person and
    /// period strings made it twice as slow: 1.7 s against 3.5 s over 1 M events on 18.16 under load).
    /// </summary>
    static Sql PeriodStart(ReportInterval interval, TimeZoneInfo zone) =>
        interval == ReportInterval.Month ? Sql.Query($"toStartOfMonth(t, {zone.Id})") : Sql.Query($"toMonday(t, {zone.Id})");

    /// <summary>
    /// One query: per person the distinct periods of their events (purchases) and the first of them, their cohort; then
    /// persons per (cohort, period). The periods' order comes from <see cref="ReportIntervals.Buckets"/> in C#.
    /// </summary>
    public async ValueTask<RetentionAnswer> Handle(RetentionReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var interval = request.PeriodInterval;
        // First visits: any event of the person, so the visitor hours serve where they can (ReportSql.PersonTimesAsync).
        var wholeHours = ReportIntervals.StartOnWholeHours(interval, scope);
        Sql personTimes;
        if (request.CohortKind == RetentionReport.FirstPurchase)
            personTimes = Sql.Query($"SELECT person, ts AS t FROM ({ReportSql.Events(scope, scope.FromMs, scope.ToMs, types: ["purchase"])}) AS scope_events");
        else
        {
            var times = await sql.PersonTimesAsync(scope, wholeHours, ct);
            personTimes = Sql.Query($"SELECT person_hash AS person, t FROM ({times}) AS person_times");
        }
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT toString(cohort_day) AS cohort, toString(period_day) AS period, count() AS persons
            FROM
            (
                SELECT person, min(person_period) AS cohort_day, groupUniqArray(person_period) AS periods
                FROM
                (
                    SELECT person, {PeriodStart(interval, scope.Zone)} AS person_period
                    FROM ({personTimes})
                )
                GROUP BY person
            )
            ARRAY JOIN periods AS period_day
            GROUP BY cohort_day, period_day
            """), RetentionRows.Default.CohortPeriodRow, ct);

        var buckets = ReportIntervals.Buckets(interval, scope);
        var index = buckets.Select((b, i) => (b.Key, i)).ToDictionary(b => b.Key, b => b.i);
        var cohorts = rows.GroupBy(r => r.Cohort).Where(g => index.ContainsKey(g.Key)).OrderBy(g => index[g.Key]).Select(g =>
        {
            var first = index[g.Key];
            var returning = new long[buckets.Count - first];
            foreach (var row in g)
                if (index.TryGetValue(row.Period, out var i) && i >= first) returning[i - first] = row.Persons;
            var persons = returning[0];
            return new RetentionCohort(OverviewHandler.Iso(buckets[first].Start, scope.Zone), persons, returning,
                returning.Select(n => OverviewHandler.Rate(n, persons)).ToList());
        }).ToList();
        return new RetentionAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), scope.Zone.Id,
            request.CohortKind, ReportIntervals.Name(interval), cohorts);
    }
}

public sealed record CohortPeriodRow(string Cohort, string Period, long Persons);

[JsonSerializable(typeof(CohortPeriodRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class RetentionRows : JsonSerializerContext;
