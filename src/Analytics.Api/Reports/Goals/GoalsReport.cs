using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Crm;
using Analytics.Identity;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;

namespace Analytics.Reports.Goals;

/// <summary>
/// <c>GET /api/reports/goals</c>: per saved goal the persons and sessions that reached it and the conversion rate over the
/// visitors, plus the range's orders, revenue and average order value. <see cref="Goals"/> are the site's goals as read
/// when the request came in (part of the cache key, so a changed goal is never answered from the cache).
/// </summary>
public sealed record GoalsReport(ReportInput Input, IReadOnlyList<Goal> Goals, ClaimsPrincipal User, DateTimeOffset Now) : IReport<GoalsAnswer>
{
    public string Report => "goals";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => string.Join('&', Goals.Select(g => $"{g.Id}:{g.Type}:{g.Path}:{g.EventName}"));
}

public sealed class GoalsValidator : AbstractValidator<GoalsReport>
{
    public GoalsValidator() => Include(new ReportInputValidator());
}

/// <summary>A goal's conversions: persons with an event reaching it in the range, sessions (starting in the range) holding one.</summary>
public sealed record GoalConversions(string Id, string Name, string Type, string? Path, string? EventName, long Persons, long Sessions, double ConversionRate);

public sealed record GoalsAnswer(
    string From, string To, long Visitors, IReadOnlyList<GoalConversions> Goals, long Orders, double Revenue, double AverageOrderValue) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["goal", "persons", "sessions", "conversion_rate", "orders", "revenue", "average_order_value"],
        [
            .. Goals.Select(g => (IReadOnlyList<object>)[g.Name, g.Persons, g.Sessions, g.ConversionRate, "", "", ""]),
            ["(all)", Visitors, "", "", Orders, Revenue, AverageOrderValue],
        ]);
}

public sealed class GoalsHandler(IClickHouse clickHouse, ReportSql sql) : IRequestHandler<GoalsReport, GoalsAnswer>
{
    public async ValueTask<GoalsAnswer> Handle(GoalsReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var goals = request.Goals;
        var persons = PersonsAsync(scope, goals, ct);
        var sessions = SessionsAsync(scope, goals, ct);
        var orders = OrdersAsync(scope, ct);
        await Task.WhenAll(persons, sessions, orders);

        var reached = await persons;
        var sessionCounts = (await sessions).ToDictionary(r => r.Goal, r => r.Sessions);
        var visitors = reached?.Visitors ?? 0;
        var rows = goals.Select((g, i) =>
        {
            var p = reached is null || i >= reached.Persons.Count ? 0 : reached.Persons[i];
            return new GoalConversions(g.Id, g.Name, g.Type, g.Path, g.EventName, p, sessionCounts.GetValueOrDefault((uint)(i + 1)), OverviewHandler.Rate(p, visitors));
        }).ToList();
        var (count, revenue) = await orders is { } o ? (o.Orders, o.Revenue) : (0, 0);
        return new GoalsAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), visitors, rows,
            count, Math.Round(revenue, 2), count == 0 ? 0 : Math.Round(revenue / count, 2));
    }

    /// <summary>The event columns a goal reads, carried through <see cref="ReportSql.EventPersonHashes"/>.</summary>
    static readonly ReportDimension GoalColumns = new("goal_event", DimensionSource.Event, Sql.Query($""), ["path", "name"]);

    /// <summary>Visitors (distinct persons of the range) and, per goal, the persons with an event reaching it, counted by hash.</summary>
    Task<GoalPersons?> PersonsAsync(ReportScope scope, IReadOnlyList<Goal> goals, CancellationToken ct)
    {
        var reached = goals.Select(g => Sql.Query($", uniqExactIf(person_hash, {g.Matches()})")).Aggregate(Sql.Query($""), (all, part) => Sql.Query($"{all} {part}"));
        return clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT uniqExact(person_hash) AS visitors, [toUInt64(0) {reached}] AS persons
            FROM
            (
                SELECT person_hash, type, value.1 AS path, value.2 AS name
                FROM ({ReportSql.EventPersonHashes(scope, scope.FromMs, scope.ToMs, GoalColumns, Sql.Query($"tuple(path, name)"))})
            )
            """), GoalRows.Default.GoalPersons, ct).ContinueWith(t => t.Result is { } r ? r with { Persons = r.Persons.Skip(1).ToList() } : null, ct,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>
    /// Per goal (numbered from 1) the sessions starting in the range that hold an event reaching it (and matching the
    /// filters): each event becomes one row per goal it reaches, and the sessions come from <see cref="ReportSql.SessionValuesAsync"/>.
    /// </summary>
    async Task<List<GoalSessions>> SessionsAsync(ReportScope scope, IReadOnlyList<Goal> goals, CancellationToken ct)
    {
        if (goals.Count == 0) return [];
        var numbers = goals.Select((g, i) => Sql.Query($"if({g.Matches()}, toUInt32({i + 1}), toUInt32(0))"))
            .Aggregate((Sql?)null, (all, part) => all is { } a ? Sql.Query($"{a}, {part}") : part)!.Value;
        var values = await sql.SessionValuesAsync(scope, GoalColumns, Sql.Query($"arrayJoin(arrayFilter(g -> g > 0, [{numbers}]))"), false, ct);
        return await clickHouse.QueryListAsync(Sql.Query($"SELECT value AS goal, count() AS sessions FROM ({values}) GROUP BY goal"), GoalRows.Default.GoalSessions, ct);
    }

    /// <summary>
    /// The range's orders (<see cref="OrdersSql"/>: deduplicated, returned ones left out). With filters, the orders of the
    /// persons with a matching event in the range (an order's person: its customer, else its visitor's person then).
    /// </summary>
    Task<GoalOrders?> OrdersAsync(ReportScope scope, CancellationToken ct)
    {
        var siteId = scope.Site.Id;
        var byPerson = scope.Conditions.Count == 0 ? Sql.Query($"1") : Sql.Query($"person IN (SELECT person FROM ({ReportSql.Events(scope)}))");
        return clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT count() AS orders, sum(revenue) AS revenue
            FROM
            (
                SELECT revenue, if(customer_id != '', customer_id, {PersonSql.PersonAt(new SqlIdentifier("order_ms"))}) AS person
                FROM
                (
                    SELECT vid, customer_id, revenue, toUInt64(ts) * 1000 AS order_ms
                    FROM ({OrdersSql.For(siteId, scope.From, scope.To)})
                    WHERE returned = 0
                ) AS site_orders
                ANY LEFT JOIN ({PersonSql.LinksByVisitor(siteId)}) AS visitor_links USING vid
            )
            WHERE {byPerson}
            """), GoalRows.Default.GoalOrders, ct);
    }
}

public sealed record GoalPersons(long Visitors, List<long> Persons);
public sealed record GoalSessions(uint Goal, long Sessions);
public sealed record GoalOrders(long Orders, double Revenue);

[JsonSerializable(typeof(GoalPersons))]
[JsonSerializable(typeof(GoalSessions))]
[JsonSerializable(typeof(GoalOrders))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class GoalRows : JsonSerializerContext;
