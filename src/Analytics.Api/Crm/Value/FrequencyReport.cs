using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Crm.Rfm;
using Analytics.Customers;
using Analytics.Reports;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Value;

/// <summary>
/// <c>GET /api/reports/frequency</c>: purchase frequency of the customers with an order (not returned) in the range, per
/// A/B/C class (<see cref="AbcSql.Classes"/>), per RFM segment (<see cref="RfmSql.Segments"/>) and for all of them:
/// orders per customer per year (the range's orders over its customers and its length in years of 365.25 days) and the
/// median of the days between consecutive orders of one customer within the range. Filters narrow the customers counted
/// to those with a matching event in the range, as in the A/B/C report.
/// </summary>
public sealed record FrequencyReport(ReportInput Input, ClaimsPrincipal User, DateTimeOffset Now) : IReport<FrequencyAnswer>
{
    public string Report => "frequency";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => "";
}

public sealed class FrequencyValidator : AbstractValidator<FrequencyReport>
{
    public FrequencyValidator() => Include(new ReportInputValidator());
}

/// <summary>
/// One group: its customers, those with two orders or more, their orders, orders per customer per year, and the median days
/// between orders (null: no customer of the group ordered twice).
/// </summary>
public sealed record FrequencyGroup(string Group, long Customers, long RepeatCustomers, long Orders, double OrdersPerCustomerPerYear,
    double? MedianDaysBetweenOrders);

public sealed record FrequencyAnswer(string From, string To, double Years, FrequencyGroup All, IReadOnlyList<FrequencyGroup> Classes,
    IReadOnlyList<FrequencyGroup> Segments) : IReportAnswer
{
    public CsvTable ToCsv() => new(
        ["kind", "group", "customers", "repeat_customers", "orders", "orders_per_customer_per_year", "median_days_between_orders"],
        new[] { ("all", All) }.Concat(Classes.Select(c => ("class", c))).Concat(Segments.Select(s => ("segment", s)))
            .Select(g => (IReadOnlyList<object>)[g.Item1, g.Item2.Group, g.Item2.Customers, g.Item2.RepeatCustomers, g.Item2.Orders,
                g.Item2.OrdersPerCustomerPerYear, g.Item2.MedianDaysBetweenOrders is { } d ? d : ""]).ToList());
}

public sealed class FrequencyHandler(IClickHouse clickHouse, IOptions<CustomerOptions> options, CustomerOrderSnapshots snapshots)
    : IRequestHandler<FrequencyReport, FrequencyAnswer>
{
    public async ValueTask<FrequencyAnswer> Handle(FrequencyReport request, CancellationToken ct)
    {
        var scope = await snapshots.WithOrdersAsync(request.Scope(), ct);
        var rows = await clickHouse.QueryListAsync(GroupsSql(scope), FrequencyRows.Default.FrequencyRow, ct);
        var years = (scope.To - scope.From).TotalDays / 365.25;
        FrequencyGroup Group(string kind, string name)
        {
            var row = rows.FirstOrDefault(r => r.Kind == kind && r.GroupName == name);
            if (row is null) return new FrequencyGroup(name, 0, 0, 0, 0, null);
            return new FrequencyGroup(name, row.Customers, row.RepeatCustomers, row.Orders, Math.Round(row.Orders / (double)row.Customers / years, 4),
                row.Gaps == 0 ? null : Math.Round(row.MedianGapS / 86_400.0, 4));
        }
        var segments = RfmSegmentTable.Names.Where(s => rows.Any(r => r.Kind == "segment" && r.GroupName == s)).Select(s => Group("segment", s)).ToList();
        return new FrequencyAnswer(OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone), Math.Round(years, 4),
            Group("all", ""), AbcReport.Classes.Select(c => Group("class", c)).ToList(), segments);
    }

    /// <summary>
    /// Per customer the sorted order times and the gaps between them; then each customer counted in its class, its segment
    /// and "all" (ARRAY JOIN), and per group the median of all gaps: the mean of the two middle ones.
    /// </summary>
    // quantileExact(0.5) of n values is the one at 0-based place ⌊n / 2⌋ once sorted (both engines): the upper middle; of
    // the negated values it is the lower middle, negated (the same one when n is odd). Selecting them is linear, where the
    // sorted array of every gap it replaces took 0.15–0.2 s of 0.5–0.65 s on 18.16 (100 k customers, 12 months).

    Sql GroupsSql(ReportScope scope)
    {
        var matching = scope.Conditions.Count == 0 ? Sql.Query($"1")
            : Sql.Query($"customer_id IN (SELECT person FROM ({ReportSql.Events(scope)}))");
        return Sql.Query($"""
            SELECT kind, group_name, customers, repeat_customers, orders, gaps, median_gap_s
            FROM
            (
                SELECT group_key.1 AS kind, group_key.2 AS group_name, count() AS customers, countIf(order_count >= 2) AS repeat_customers,
                    sum(order_count) AS orders, sum(length(customer_gaps)) AS gaps,
                    if(gaps = 0, toFloat64(0),
                        (toFloat64(quantileExactArray(0.5)(customer_gaps)) - toFloat64(quantileExactArray(0.5)(arrayMap(g -> -g, customer_gaps)))) / 2) AS median_gap_s
                FROM
                (
                    SELECT customer_id, order_count, customer_gaps, customer_class, segment
                    FROM
                    (
                        SELECT customer_id, order_count, customer_gaps, if(class = '', 'C', class) AS customer_class
                        FROM
                        (
                            SELECT customer_id, count() AS order_count, arraySort(groupArray(toInt64(ts))) AS times,
                                arrayPopFront(arrayDifference(times)) AS customer_gaps
                            FROM ({scope.Orders.For(scope.From, scope.To)})
                            WHERE customer_id != '' AND returned = 0
                            GROUP BY customer_id
                        ) AS customer_orders
                        ANY LEFT JOIN (SELECT customer_id, class FROM ({AbcSql.Classes(scope.Orders, scope.From, scope.To, options.Value)})) AS classes USING customer_id
                        WHERE {matching}
                    ) AS classed
                    ANY LEFT JOIN (SELECT customer_id, segment FROM ({RfmSql.Segments(scope.Orders, scope.From, scope.To)})) AS segments USING customer_id
                )
                ARRAY JOIN [('all', ''), ('class', customer_class), ('segment', segment)] AS group_key
                GROUP BY kind, group_name
            )
            """);
    }
}

public sealed record FrequencyRow(string Kind, string GroupName, long Customers, long RepeatCustomers, long Orders, long Gaps, double MedianGapS);

[JsonSerializable(typeof(FrequencyRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class FrequencyRows : JsonSerializerContext;
