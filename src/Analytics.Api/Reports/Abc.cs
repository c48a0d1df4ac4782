using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Customers;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Analytics.Reports;

/// <summary>
/// <c>GET /api/reports/abc</c>: the customers of each A/B/C class and their revenue in the range, by the one ranking of
/// <see cref="AbcSql.Classes"/> (customers with positive revenue in the range; thresholds <c>Customers:AbcA</c>/<c>AbcB</c>).
/// Filters never change the ranking: they narrow the customers counted to those with a matching event in the range.
/// </summary>
public sealed record AbcReport(ReportInput Input, ClaimsPrincipal User, DateTimeOffset Now) : IReport<AbcAnswer>
{
    public static readonly IReadOnlyList<string> Classes = ["A", "B", "C"];

    public string Report => "abc";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => "";
}

public sealed class AbcValidator : AbstractValidator<AbcReport>
{
    public AbcValidator() => Include(new ReportInputValidator());
}

public sealed record AbcClass(string Class, long Customers, double Revenue)
{
    /// <summary>The class's share of the revenue of the customers counted (0 when they have none), 4 decimals.</summary>
    public double Share { get; init; }
}

/// <summary>The ranking's thresholds: A while the revenue above is below <see cref="A"/> of the total, B below <see cref="B"/>.</summary>
public sealed record AbcThresholds(double A, double B);

public sealed record AbcAnswer(string From, string To, IReadOnlyList<AbcClass> Classes) : IReportAnswer
{
    public AbcThresholds? Thresholds { get; init; }

    public CsvTable ToCsv() => new(["class", "customers", "revenue"], Classes.Select(c => (IReadOnlyList<object>)[c.Class, c.Customers, c.Revenue]).ToList());
}

public sealed class AbcHandler(IClickHouse clickHouse, IOptions<CustomerOptions> options, CustomerOrderSnapshots snapshots) : IRequestHandler<AbcReport, AbcAnswer>
{
    public async ValueTask<AbcAnswer> Handle(AbcReport request, CancellationToken ct)
    {
        var scope = await snapshots.WithOrdersAsync(request.Scope(), ct);
        var matching = scope.Conditions.Count == 0 ? Sql.Query($"1") : Sql.Query($"customer_id IN (SELECT person FROM ({ReportSql.Events(scope)}))");
        var rows = (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT class, count() AS customers, sum(revenue) AS revenue
            FROM ({AbcSql.Classes(scope.Orders, scope.From, scope.To, options.Value)})
            WHERE {matching}
            GROUP BY class
            """), AbcRows.Default.AbcClassRow, ct)).ToDictionary(r => r.Class);
        var classes = AbcReport.Classes.Select(c => rows.GetValueOrDefault(c) is { } r
            ? new AbcClass(c, r.Customers, Math.Round(r.Revenue, 2)) : new AbcClass(c, 0, 0)).ToList();
        var total = classes.Sum(c => c.Revenue);
        classes = classes.Select(c => c with { Share = total > 0 ? Math.Round(c.Revenue / total, 4) : 0 }).ToList();
        return new AbcAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), classes)
        {
            Thresholds = new AbcThresholds(options.Value.AbcA, options.Value.AbcB),
        };
    }
}

public sealed record AbcClassRow(string Class, long Customers, double Revenue);

[JsonSerializable(typeof(AbcClassRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class AbcRows : JsonSerializerContext;
