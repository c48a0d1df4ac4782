using System.Text.RegularExpressions;
using Analytics.Storage;
using FluentValidation;

namespace Analytics.Crm;

/// <summary>An order as the CRM knows it (a row of <c>orders</c>).</summary>
public sealed record OrderRow(
    string SiteId, string OrderId, string CustomerId, DateTimeOffset? Ts, double Revenue, string Currency, double? CostOfGoods,
    IReadOnlyList<CrmOrderItem> Items, string Status);

public sealed partial class OrderValidator : AbstractValidator<OrderRow>
{
    public OrderValidator()
    {
        RuleFor(o => o.OrderId).Id().OverridePropertyName("order_id");
        RuleFor(o => o.CustomerId).Id().OverridePropertyName("customer_id");
        RuleFor(o => o.Ts).NotNull().WithMessage("is required: Unix milliseconds or an ISO 8601 time").OverridePropertyName("ts");
        RuleFor(o => o.Revenue).NotNegative().OverridePropertyName("revenue");
        RuleFor(o => o.Currency).Must(c => c.Length == 0 || CurrencyCode().IsMatch(c))
            .WithMessage("must be an ISO 4217 code such as EUR").OverridePropertyName("currency");
        RuleFor(o => o.CostOfGoods ?? 0).NotNegative().OverridePropertyName("cost_of_goods");
        RuleFor(o => o.Items.Count).LessThanOrEqualTo(1000).WithMessage("must have at most 1000 entries").OverridePropertyName("items");
        RuleForEach(o => o.Items).Must(i => i.Sku.Length <= CrmRules.MaxId && i.Name.Length <= CrmRules.MaxText && i.Category.Length <= CrmRules.MaxText && i.Price >= 0)
            .WithMessage("sku is at most 256 characters, name and category at most 1024, price not negative").OverridePropertyName("items");
        RuleFor(o => o.Status).Text(32).OverridePropertyName("status");
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}

public sealed class OrdersEntity : CrmEntity<OrderRow>
{
    public static readonly OrdersEntity Instance = new();

    public override string Table => "orders";
    public override IValidator<OrderRow> Validator { get; } = new OrderValidator();
    public override IReadOnlyList<string> Columns { get; } =
    [
        "site_id", "order_id", "customer_id", "ts", "revenue", "currency", "cost_of_goods", "has_cost_of_goods",
        "item_sku", "item_name", "item_category", "item_quantity", "item_price", "status", "imported_at", "version",
    ];

    public override OrderRow Read(CrmFields f, string siteId)
    {
        var items = f.Items("items");
        // Without a revenue, the items' sum is the order's revenue.
        var revenue = f.Number("revenue") ?? items.Sum(i => i.Quantity * i.Price);
        return new(siteId, f.String("order_id")?.Trim() ?? "", f.String("customer_id")?.Trim() ?? "", f.Time("ts"), revenue,
            f.String("currency")?.Trim().ToUpperInvariant() ?? "", f.Number("cost_of_goods"), items, f.String("status")?.Trim().ToLowerInvariant() ?? "");
    }

    public override void Write(OrderRow o, RowBinaryWriter w, DateTimeOffset importedAt, ulong version)
    {
        w.String(o.SiteId);
        w.String(o.OrderId);
        w.String(o.CustomerId);
        w.DateTime(o.Ts!.Value);
        w.Float64(o.Revenue);
        w.String(o.Currency);
        w.Float64(o.CostOfGoods ?? 0);
        w.Bool(o.CostOfGoods is not null);
        w.StringArray(o.Items.Select(i => i.Sku).ToList());
        w.StringArray(o.Items.Select(i => i.Name).ToList());
        w.StringArray(o.Items.Select(i => i.Category).ToList());
        Float64Array(w, o.Items.Select(i => i.Quantity));
        Float64Array(w, o.Items.Select(i => i.Price));
        w.String(o.Status);
        w.DateTime(importedAt);
        w.UInt64(version);
    }

    static void Float64Array(RowBinaryWriter w, IEnumerable<double> values)
    {
        var list = values.ToList();
        w.VarUInt((ulong)list.Count);
        foreach (var v in list) w.Float64(v);
    }
}
