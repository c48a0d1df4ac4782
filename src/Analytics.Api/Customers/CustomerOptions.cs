namespace Analytics.Customers;

/// <summary>Settings of the customer view and list (section <c>Customers</c>; docs/customers.md).</summary>
public sealed class CustomerOptions
{
    /// <summary>A customer is A while the revenue of those ranked above it is below this share of the total.</summary>
    public double AbcA { get; set; } = 0.80;

    /// <summary>… B while it is below this share, else C.</summary>
    public double AbcB { get; set; } = 0.95;

    /// <summary>The A/B/C period when a request names none: the last this many months.</summary>
    public int AbcMonths { get; set; } = 12;

    /// <summary>How long a site's A/B/C ranking is reused by the 360-degree view before it is read again.</summary>
    public int AbcCacheSeconds { get; set; } = 300;

    /// <summary>Expected customer lifetime in years, for the predicted CLV.</summary>
    public double LifetimeYears { get; set; } = 3;

    /// <summary>
    /// The least time between two builds of a site's stored snapshot of its orders (<see cref="CustomerOrderSnapshots"/>) or
    /// of its first touches (<see cref="Crm.Value.FirstTouchSnapshots"/>): in a shop whose orders or links change every few
    /// seconds, reports read the query in between instead of one build after another.
    /// </summary>
    public TimeSpan OrderSnapshotInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Sessions and contacts up to this long after an order are its post-purchase phase.</summary>
    public TimeSpan PostPurchaseWindow { get; set; } = TimeSpan.FromDays(30);
}
