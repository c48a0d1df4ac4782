namespace Analytics.Customers;

/// <summary>One order as the customer value needs it: revenue (0 when returned), cost where the CRM knows it.</summary>
public readonly record struct OrderValue(DateTimeOffset Ts, double Revenue, double? CostOfGoods, bool Returned);

/// <summary>
/// Customer lifetime value (docs/customers.md):
/// <list type="bullet">
/// <item>historic = lifetime revenue of the non-returned orders;</item>
/// <item>orders per year = orders ÷ max(1, years from the first order to now): a customer younger than a year counts
///   as one year old, so a first order does not extrapolate to a yearly rate;</item>
/// <item>predicted = average order value × orders per year × <see cref="CustomerOptions.LifetimeYears"/>
///   (which is historic × lifetime ÷ max(1, years));</item>
/// <item>predicted margin = predicted × the margin share of the orders that carry a cost
///   (Σ(revenue − cost) ÷ Σ revenue over those); null when no order carries a cost.</item>
/// </list>
/// </summary>
public sealed record Clv(double Historic, long Orders, double AverageOrderValue, double OrdersPerYear, double Predicted, double? PredictedMargin)
{
    public const double DaysPerYear = 365.25;

    public static Clv Of(IEnumerable<OrderValue> orders, DateTimeOffset now, double lifetimeYears)
    {
        var kept = orders.Where(o => !o.Returned).ToList();
        if (kept.Count == 0) return new Clv(0, 0, 0, 0, 0, null);
        var historic = kept.Sum(o => o.Revenue);
        var average = historic / kept.Count;
        var perYear = kept.Count / YearsSince(kept.Min(o => o.Ts), now);
        var predicted = average * perYear * lifetimeYears;
        var costed = kept.Where(o => o.CostOfGoods is not null).ToList();
        var costedRevenue = costed.Sum(o => o.Revenue);
        double? margin = costed.Count == 0 ? null
            : costedRevenue == 0 ? 0 : predicted * costed.Sum(o => o.Revenue - o.CostOfGoods!.Value) / costedRevenue;
        return new Clv(historic, kept.Count, average, perYear, predicted, margin);
    }

    /// <summary>The predicted CLV from the totals: (historic ÷ orders) × (orders ÷ years) × lifetime = historic × lifetime ÷ years.</summary>
    public static double PredictedOf(double historic, DateTimeOffset firstOrder, DateTimeOffset now, double lifetimeYears) =>
        historic * lifetimeYears / YearsSince(firstOrder, now);

    /// <summary>Years from the first order to now, at least 1.</summary>
    public static double YearsSince(DateTimeOffset firstOrder, DateTimeOffset now) =>
        Math.Max(1, (now - firstOrder).TotalDays / DaysPerYear);
}
