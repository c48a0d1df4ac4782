using System.Text.Json.Serialization;
using Analytics.Customers;
using Analytics.Reports;
using Analytics.Reports.Filters;
using Analytics.Storage;
using Mediator;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Value;

/// <summary>
/// Answers <see cref="ValueReport"/> in one statement: the customers' rows of <see cref="ValueSql"/> (narrowed by the
/// filters to customers with a matching event in the range, as in the A/B/C report), then either one row of totals
/// carrying the requested page of customers (sorted inside an array: no second pass for the totals), or one row per group.
/// </summary>
public sealed class ValueHandler(IClickHouse clickHouse, FirstTouchSnapshots firstTouches, IOptions<CustomerOptions> options, CustomerOrderSnapshots snapshots)
    : IRequestHandler<ValueReport, ValueAnswer>
{
    public async ValueTask<ValueAnswer> Handle(ValueReport request, CancellationToken ct)
    {
        var scope = await snapshots.WithOrdersAsync(request.Scope(), ct);
        var customers = await CustomersAsync(scope, ct);
        var (from, to) = (OverviewHandler.Iso(scope.From, scope.Zone), OverviewHandler.Iso(scope.To, scope.Zone));
        if (request.GroupBy is { } groupBy)
        {
            var groups = (await clickHouse.QueryListAsync(GroupsSql(customers, groupBy, scope), ValueRows.Default.ValueGroupRow, ct))
                .Select(g => Group(g, groupBy)).ToList();
            return new ValueAnswer(from, to, groupBy, Sum(groups.Select(g => g.Figures))) { Groups = groups };
        }
        var rows = await clickHouse.QueryListAsync(PageSql(customers, request), ValueRows.Default.ValuePageRow, ct);
        var totals = rows.Count == 0 ? Sum([]) : Totals(rows[0]);
        return new ValueAnswer(from, to, null, totals)
        {
            Sort = request.SortField, Order = request.SortOrder, Page = request.PageNumber, Limit = request.PageLimit,
            Customers = rows.Where(r => r.CustomerId.Length > 0).Select(Customer).ToList(),
        };
    }

    /// <summary>The value rows of the scope's customers, filters applied.</summary>
    async Task<Sql> CustomersAsync(ReportScope scope, CancellationToken ct)
    {
        var rows = ValueSql.Customers(scope.Orders, scope.From, scope.To, scope.Zone, await firstTouches.RowsAsync(scope.Site.Id, ct));
        return scope.Conditions.Count == 0 ? rows
            : Sql.Query($"SELECT * FROM ({rows}) AS value_rows WHERE customer_id IN (SELECT person FROM ({ReportSql.Events(scope)}))");
    }

    Sql PageSql(Sql customers, ValueReport request)
    {
        var offset = (request.PageNumber - 1) * request.PageLimit;
        var sorted = SortedRows(request.SortField, request.SortOrder == "desc");
        return Sql.Query($"""
            SELECT customers, new_customers, total_orders, total_revenue, total_cost_of_goods, total_revenue_without_cost,
                total_acquisition_cost, total_contacts, total_complaints, total_service_cost,
                tupleElement(page_row, 1) AS customer_id, tupleElement(page_row, 2) AS first_order_s, tupleElement(page_row, 3) AS acquired,
                tupleElement(page_row, 4) AS channel, tupleElement(page_row, 5) AS campaign, tupleElement(page_row, 6) AS orders,
                tupleElement(page_row, 7) AS revenue, tupleElement(page_row, 8) AS cost_of_goods, tupleElement(page_row, 9) AS revenue_without_cost,
                tupleElement(page_row, 10) AS acquisition_cost, tupleElement(page_row, 11) AS contacts, tupleElement(page_row, 12) AS complaints,
                tupleElement(page_row, 13) AS service_cost
            FROM
            (
                SELECT count() AS customers, countIf(acquired = 1) AS new_customers, sum(orders) AS total_orders, sum(revenue) AS total_revenue,
                    sum(cost_of_goods) AS total_cost_of_goods, sum(revenue_without_cost) AS total_revenue_without_cost,
                    sum(acquisition_cost) AS total_acquisition_cost, sum(contacts) AS total_contacts, sum(complaints) AS total_complaints,
                    sum(service_cost) AS total_service_cost,
                    arraySlice({sorted}, {offset + 1}, {request.PageLimit}) AS page
                FROM ({customers}) AS value_rows
            )
            LEFT ARRAY JOIN page AS page_row
            """);
    }

    /// <summary>
    /// Every customer's row as a tuple, sorted by the field (ties by customer id, ascending), in one array: the page is a
    /// slice of it. Descending numbers sort as their negation so that ties keep the ascending id.
    /// </summary>
    static Sql SortedRows(string field, bool descending)
    {
        var rows = Sql.Query($"""
            groupArray((customer_id, first_order_s, acquired, channel, campaign, orders, revenue, cost_of_goods, revenue_without_cost,
                acquisition_cost, contacts, complaints, service_cost))
            """);
        if (field == "customer_id")
            return descending ? Sql.Query($"arrayReverseSort((r, k) -> k, {rows}, groupArray(customer_id))")
                : Sql.Query($"arraySort((r, k) -> k, {rows}, groupArray(customer_id))");
        var value = field switch
        {
            "revenue" => Sql.Query($"revenue"),
            "margin" => Sql.Query($"revenue - cost_of_goods"),
            "acquisition_cost" => Sql.Query($"acquisition_cost"),
            "service_cost" => Sql.Query($"service_cost"),
            "orders" => Sql.Query($"toFloat64(orders)"),
            "first_order" => Sql.Query($"toFloat64(first_order_s)"),
            _ => Sql.Query($"revenue - cost_of_goods - acquisition_cost - service_cost"),
        };
        var key = descending ? Sql.Query($"-({value})") : value;
        return Sql.Query($"arraySort((r, k) -> k, {rows}, groupArray(({key}, customer_id)))");
    }

    Sql GroupsSql(Sql customers, string groupBy, ReportScope scope)
    {
        var (keys, source) = groupBy switch
        {
            "class" => (Sql.Query($"group_class, '' AS group_channel, '' AS group_campaign"), Sql.Query($"""
                SELECT *, if(class = '', 'C', class) AS group_class
                FROM ({customers}) AS value_rows
                ANY LEFT JOIN (SELECT customer_id, class FROM ({AbcSql.Classes(scope.Orders, scope.From, scope.To, options.Value)})) AS classes USING customer_id
                """)),
            "channel" => (Sql.Query($"'' AS group_class, channel AS group_channel, '' AS group_campaign"), customers),
            _ => (Sql.Query($"'' AS group_class, channel AS group_channel, campaign AS group_campaign"), customers),
        };
        return Sql.Query($"""
            SELECT {keys}, count() AS customers, countIf(acquired = 1) AS new_customers, sum(orders) AS total_orders, sum(revenue) AS total_revenue,
                sum(cost_of_goods) AS total_cost_of_goods, sum(revenue_without_cost) AS total_revenue_without_cost,
                sum(acquisition_cost) AS total_acquisition_cost, sum(contacts) AS total_contacts, sum(complaints) AS total_complaints,
                sum(service_cost) AS total_service_cost
            FROM ({source}) AS grouped_rows
            GROUP BY group_class, group_channel, group_campaign
            ORDER BY group_class, group_channel, group_campaign
            """);
    }

    static ValueGroup Group(ValueGroupRow g, string groupBy)
    {
        var t = Totals(g.Customers, g.NewCustomers, g.TotalOrders, g.TotalRevenue, g.TotalCostOfGoods, g.TotalRevenueWithoutCost,
            g.TotalAcquisitionCost, g.TotalContacts, g.TotalComplaints, g.TotalServiceCost);
        static double Per(double sum, long n) => n == 0 ? 0 : Math.Round(sum / n, 2);
        return new ValueGroup(groupBy == "class" ? g.GroupClass : null, groupBy == "class" ? null : g.GroupChannel,
            groupBy == "campaign" ? g.GroupCampaign : null, t,
            Per(g.TotalRevenue, g.Customers), Per(g.TotalRevenue - g.TotalCostOfGoods, g.Customers), Per(g.TotalAcquisitionCost, g.NewCustomers),
            Per(g.TotalServiceCost, g.Customers), Per(g.TotalRevenue - g.TotalCostOfGoods - g.TotalAcquisitionCost - g.TotalServiceCost, g.Customers));
    }

    static ValueTotals Totals(ValuePageRow r) => Totals(r.Customers, r.NewCustomers, r.TotalOrders, r.TotalRevenue, r.TotalCostOfGoods,
        r.TotalRevenueWithoutCost, r.TotalAcquisitionCost, r.TotalContacts, r.TotalComplaints, r.TotalServiceCost);

    static ValueTotals Totals(long customers, long newCustomers, long orders, double revenue, double costOfGoods, double withoutCost,
        double acquisition, long contacts, long complaints, double service) =>
        new(customers, newCustomers, orders, Money(revenue), Money(costOfGoods), Money(revenue - costOfGoods), Money(withoutCost),
            Money(acquisition), contacts, complaints, Money(service), Money(revenue - costOfGoods - acquisition - service));

    static ValueTotals Sum(IEnumerable<ValueTotals> parts)
    {
        var all = parts.ToList();
        return new ValueTotals(all.Sum(p => p.Customers), all.Sum(p => p.NewCustomers), all.Sum(p => p.Orders), Money(all.Sum(p => p.Revenue)),
            Money(all.Sum(p => p.CostOfGoods)), Money(all.Sum(p => p.Margin)), Money(all.Sum(p => p.RevenueWithoutCostOfGoods)),
            Money(all.Sum(p => p.AcquisitionCost)), all.Sum(p => p.Contacts), all.Sum(p => p.Complaints), Money(all.Sum(p => p.ServiceCost)),
            Money(all.Sum(p => p.ContributionMargin)));
    }

    internal static CustomerValueRow Customer(ValuePageRow r) => new(
        r.CustomerId, r.FirstOrderS > 0 ? DateTimeOffset.FromUnixTimeSeconds(r.FirstOrderS) : null, r.Acquired == 1, r.Channel, r.Campaign,
        r.Orders, Money(r.Revenue), Money(r.CostOfGoods), Money(r.Revenue - r.CostOfGoods), Money(r.RevenueWithoutCost),
        Money(r.AcquisitionCost), r.Contacts, r.Complaints, Money(r.ServiceCost),
        Money(r.Revenue - r.CostOfGoods - r.AcquisitionCost - r.ServiceCost));

    static double Money(double value) => Math.Round(value, 2);
}

public sealed record ValuePageRow(
    long Customers, long NewCustomers, long TotalOrders, double TotalRevenue, double TotalCostOfGoods, double TotalRevenueWithoutCost,
    double TotalAcquisitionCost, long TotalContacts, long TotalComplaints, double TotalServiceCost,
    string CustomerId, long FirstOrderS, int Acquired, string Channel, string Campaign, long Orders, double Revenue, double CostOfGoods,
    double RevenueWithoutCost, double AcquisitionCost, long Contacts, long Complaints, double ServiceCost);

public sealed record ValueGroupRow(
    string GroupClass, string GroupChannel, string GroupCampaign, long Customers, long NewCustomers, long TotalOrders, double TotalRevenue,
    double TotalCostOfGoods, double TotalRevenueWithoutCost, double TotalAcquisitionCost, long TotalContacts, long TotalComplaints,
    double TotalServiceCost);

[JsonSerializable(typeof(ValuePageRow))]
[JsonSerializable(typeof(ValueGroupRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
public sealed partial class ValueRows : JsonSerializerContext;
