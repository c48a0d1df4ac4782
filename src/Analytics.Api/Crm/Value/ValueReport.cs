using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Analytics.Reports;
using Analytics.Reports.Filters;
using Analytics.Sites;
using FluentValidation;

namespace Analytics.Crm.Value;

/// <summary>
/// <c>GET /api/reports/value</c>: per customer revenue, margin, acquisition cost, service cost and contribution margin
/// in the range (<see cref="ValueSql"/>), a page of customers sorted by one figure with the totals of all of them; or,
/// with <c>group_by=class|channel|campaign</c>, the same summed per A/B/C class, first-touch channel or (channel, campaign).
/// </summary>
public sealed record ValueReport(ReportInput Input, string? GroupBy, string? Sort, string? Order, string? Limit, string? Page,
    ClaimsPrincipal User, DateTimeOffset Now) : IReport<ValueAnswer>
{
    public static readonly IReadOnlyList<string> Groupings = ["class", "channel", "campaign"];
    public static readonly IReadOnlyList<string> SortFields =
        ["contribution_margin", "revenue", "margin", "acquisition_cost", "service_cost", "orders", "first_order", "customer_id"];
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    /// <summary>Pages reach at most this far: deeper is an export, not a report page.</summary>
    public const int MaxOffset = 1_000_000;

    public string Report => "value";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };
    public string Parameters => $"group_by={GroupBy}&sort={SortField}&order={SortOrder}&limit={PageLimit}&page={PageNumber}";

    public string SortField => Sort ?? "contribution_margin";
    public string SortOrder => Order ?? (SortField is "customer_id" or "first_order" ? "asc" : "desc");
    public int PageLimit => Limit is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : DefaultLimit;
    public int PageNumber => Page is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 1;

    internal static bool IsWhole(string? text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max;
}

public sealed class ValueValidator : AbstractValidator<ValueReport>
{
    public ValueValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.GroupBy).Must(g => g is null || ValueReport.Groupings.Contains(g)).OverridePropertyName("group_by")
            .WithMessage("group_by is class, channel or campaign (or absent: one row per customer).");
        RuleFor(r => r.Sort).Must(s => s is null || ValueReport.SortFields.Contains(s)).OverridePropertyName("sort")
            .WithMessage($"sort is one of {string.Join(", ", ValueReport.SortFields)}.");
        RuleFor(r => r.Order).Must(o => o is null or "asc" or "desc").OverridePropertyName("order").WithMessage("order is asc or desc.");
        RuleFor(r => r.Limit).Must(l => ValueReport.IsWhole(l, 1, ValueReport.MaxLimit)).When(r => r.Limit is not null)
            .OverridePropertyName("limit").WithMessage($"limit is a whole number from 1 to {ValueReport.MaxLimit}.");
        RuleFor(r => r.Page).Must(p => ValueReport.IsWhole(p, 1, int.MaxValue)).When(r => r.Page is not null)
            .OverridePropertyName("page").WithMessage("page is a whole number from 1.");
        RuleFor(r => r).Must(r => (long)(r.PageNumber - 1) * r.PageLimit <= ValueReport.MaxOffset)
            .When(r => ValueReport.IsWhole(r.Limit ?? "1", 1, ValueReport.MaxLimit) && ValueReport.IsWhole(r.Page ?? "1", 1, int.MaxValue))
            .OverridePropertyName("page").WithMessage($"page reaches past the first {ValueReport.MaxOffset} customers.");
    }
}

/// <summary>The figures of a set of customers (the totals, a group).</summary>
public sealed record ValueTotals(
    long Customers, long NewCustomers, long Orders, double Revenue, double CostOfGoods, double Margin, double RevenueWithoutCostOfGoods,
    double AcquisitionCost, long Contacts, long Complaints, double ServiceCost, double ContributionMargin);

/// <summary>One customer's value in the range; <c>acquired</c>: the first order is in the range (only then an acquisition cost).</summary>
public sealed record CustomerValueRow(
    string CustomerId, DateTimeOffset? FirstOrder, bool Acquired, string Channel, string Campaign, long Orders, double Revenue,
    double CostOfGoods, double Margin, double RevenueWithoutCostOfGoods, double AcquisitionCost, long Contacts, long Complaints,
    double ServiceCost, double ContributionMargin);

/// <summary>
/// The customers of one class, channel or (channel, campaign), their sums and per-customer averages; acquisition cost
/// per customer acquired in the range (<c>new_customers</c>), the others per customer.
/// </summary>
public sealed record ValueGroup(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Class,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Channel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Campaign,
    ValueTotals Figures, double RevenuePerCustomer, double MarginPerCustomer, double AcquisitionCostPerNewCustomer,
    double ServiceCostPerCustomer, double ContributionMarginPerCustomer);

public sealed record ValueAnswer(string From, string To, string? GroupBy, ValueTotals Totals) : IReportAnswer
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Sort { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Order { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Page { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Limit { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<CustomerValueRow>? Customers { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<ValueGroup>? Groups { get; init; }

    static readonly string[] FigureColumns =
    [
        "customers", "new_customers", "orders", "revenue", "cost_of_goods", "margin", "revenue_without_cost_of_goods",
        "acquisition_cost", "contacts", "complaints", "service_cost", "contribution_margin",
    ];

    /// <summary>CSV: the page of customers, or the groups (class, channel, campaign columns then the figures and averages).</summary>
    public CsvTable ToCsv() => Groups is { } groups
        ? new CsvTable(["class", "channel", "campaign", .. FigureColumns, "revenue_per_customer", "margin_per_customer",
                "acquisition_cost_per_new_customer", "service_cost_per_customer", "contribution_margin_per_customer"],
            groups.Select(g => (IReadOnlyList<object>)[g.Class ?? "", g.Channel ?? "", g.Campaign ?? "", .. Figures(g.Figures),
                g.RevenuePerCustomer, g.MarginPerCustomer, g.AcquisitionCostPerNewCustomer, g.ServiceCostPerCustomer, g.ContributionMarginPerCustomer]).ToList())
        : new CsvTable(["customer_id", "first_order", "acquired", "channel", "campaign", "orders", "revenue", "cost_of_goods", "margin",
                "revenue_without_cost_of_goods", "acquisition_cost", "contacts", "complaints", "service_cost", "contribution_margin"],
            (Customers ?? []).Select(c => (IReadOnlyList<object>)[c.CustomerId, c.FirstOrder?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "",
                c.Acquired ? 1 : 0, c.Channel, c.Campaign, c.Orders, c.Revenue, c.CostOfGoods, c.Margin, c.RevenueWithoutCostOfGoods,
                c.AcquisitionCost, c.Contacts, c.Complaints, c.ServiceCost, c.ContributionMargin]).ToList());

    static object[] Figures(ValueTotals t) =>
    [
        t.Customers, t.NewCustomers, t.Orders, t.Revenue, t.CostOfGoods, t.Margin, t.RevenueWithoutCostOfGoods, t.AcquisitionCost,
        t.Contacts, t.Complaints, t.ServiceCost, t.ContributionMargin,
    ];
}
