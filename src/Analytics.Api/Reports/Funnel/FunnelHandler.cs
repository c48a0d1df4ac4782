using System.Text.Json.Serialization;
using Analytics.Reports.Filters;
using Analytics.Storage;
using Mediator;
using Microsoft.Extensions.Options;

namespace Analytics.Reports.Funnel;

/// <summary>Settings of the funnel (section <c>Reports:Funnel</c>).</summary>
public sealed class FunnelOptions
{
    /// <summary>The window after the step-1 event when a request names none (DESIGN.md: 1 hour).</summary>
    public long WindowSeconds { get; set; } = 3600;
}

public sealed class FunnelHandler(IClickHouse clickHouse, IOptions<FunnelOptions> options, IOptions<ReportOptions> reportOptions)
    : IRequestHandler<FunnelReport, FunnelAnswer>
{
    public const string Other = "(other)";
    public const string None = "(none)";

    public async ValueTask<FunnelAnswer> Handle(FunnelReport request, CancellationToken ct)
    {
        var scope = request.Scope();
        var steps = request.ValidSteps;
        var windowSeconds = request.WindowSeconds ?? options.Value.WindowSeconds;
        var breakdown = ReportDimensions.Find(request.Breakdown);
        var persons = FunnelSql.Persons(scope, steps, windowSeconds * 1000, breakdown);

        var whole = RowsAsync(persons, steps.Count, Sql.Query($"''"), ct);
        var groups = breakdown is null ? Task.FromResult<List<FunnelGroup>?>(null) : GroupsAsync(persons, steps, request, ct);
        var dropOff = request.DropOffStep is { } k ? DropOffAsync(scope.Site.Id, persons, k, request.PageNumber, request.PageLength, ct) : Task.FromResult<FunnelDropOff?>(null);
        await Task.WhenAll(whole, groups, dropOff);

        var total = (await whole).SingleOrDefault();
        return new FunnelAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), windowSeconds,
            Answer(steps, total), breakdown?.Name, await groups, await dropOff);
    }

    Task<List<FunnelRow>> RowsAsync(Sql persons, int stepCount, Sql group, CancellationToken ct) =>
        clickHouse.QueryListAsync(FunnelSql.Steps(persons, stepCount, group), FunnelRows.Default.FunnelRow, ct);

    /// <summary>
    /// The funnel per breakdown value (a person's value is that of the start event of its chosen path): the values with
    /// the most persons at step 1 (then by value), <c>limit</c> of them, and the rest as one group "(other)".
    /// </summary>
    async Task<List<FunnelGroup>?> GroupsAsync(Sql persons, IReadOnlyList<FunnelStep> steps, FunnelReport request, CancellationToken ct)
    {
        var limit = request.Limit is { } l ? int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : reportOptions.Value.DefaultBreakdownRows;
        var rows = await RowsAsync(persons, steps.Count, Sql.Query($"breakdown_value"), ct);
        var ranked = rows.OrderByDescending(r => r.Persons[0]).ThenBy(r => r.Value, StringComparer.Ordinal).ToList();
        var groups = ranked.Take(limit).Select(r => new FunnelGroup(r.Value.Length == 0 ? None : r.Value, Answer(steps, r))).ToList();
        if (ranked.Count > limit)
        {
            var top = ranked.Take(limit).Select(r => r.Value).ToList();
            var rest = await RowsAsync(persons, steps.Count, Sql.Query($"if(breakdown_value IN {SqlInList.Of(top)}, '', {Other})"), ct);
            if (rest.FirstOrDefault(r => r.Value == Other) is { } other) groups.Add(new FunnelGroup(Other, Answer(steps, other)));
        }
        return groups;
    }

    /// <summary>Customers (identified persons, never a visitor id) whose level is exactly <paramref name="step"/>, by id.</summary>
    async Task<FunnelDropOff?> DropOffAsync(string siteId, Sql persons, int step, int page, int pageSize, CancellationToken ct)
    {
        var dropped = FunnelSql.CustomersOf(siteId, Sql.Query($"SELECT person_hash FROM ({persons}) WHERE level = {step} AND identified = 1"));
        var count = clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS total FROM ({dropped})"), FunnelRows.Default.FunnelDropOffCount, ct);
        var list = clickHouse.QueryListAsync(Sql.Query($"""
            SELECT person FROM ({dropped}) ORDER BY person LIMIT {(long)(page - 1) * pageSize}, {pageSize}
            """), FunnelRows.Default.FunnelDropOffPerson, ct);
        await Task.WhenAll(count, list);
        return new FunnelDropOff(step, (await count)?.Total ?? 0, page, pageSize, (await list).Select(p => p.Person).ToList());
    }

    static List<FunnelStepAnswer> Answer(IReadOnlyList<FunnelStep> steps, FunnelRow? row) => steps.Select((step, i) =>
    {
        long Reached(int k) => row is null || k >= row.Persons.Count ? 0 : row.Persons[k];
        var persons = Reached(i);
        var median = row is null || i == 0 || row.MedianMs[i] < 0 ? (double?)null : Math.Round(row.MedianMs[i] / 1000, 3);
        return new FunnelStepAnswer(i + 1, step.Description, step.Type!, step.Path, step.Name, persons,
            i == 0 ? (persons > 0 ? 1 : 0) : OverviewHandler.Rate(persons, Reached(i - 1)), OverviewHandler.Rate(persons, Reached(0)),
            median, i + 1 < steps.Count ? persons - Reached(i + 1) : 0);
    }).ToList();
}

public sealed record FunnelRow(string Value, List<long> Persons, List<double> MedianMs);
public sealed record FunnelDropOffCount(long Total);
public sealed record FunnelDropOffPerson(string Person);

[JsonSerializable(typeof(FunnelRow))]
[JsonSerializable(typeof(FunnelDropOffCount))]
[JsonSerializable(typeof(FunnelDropOffPerson))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class FunnelRows : JsonSerializerContext;
