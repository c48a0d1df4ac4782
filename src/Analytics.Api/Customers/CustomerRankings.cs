using Analytics.Crm.Rfm;
using Analytics.Shared;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Customers;

/// <summary>
/// A site's A/B/C ranking for a period: every ranked customer's revenue, sorted, with running sums. One customer's class
/// needs the whole site's revenue (the total, the revenue above it), which at 500 k orders is a query of seconds; the
/// ranking is read once (<see cref="CustomerRankings"/>) and answers each customer's standing in O(log n).
/// </summary>
public sealed class AbcRanking
{
    readonly Dictionary<string, double> revenueOf;
    readonly double[] descending;
    readonly double[] before; // before[k] = sum of the k largest revenues, in the order of AbcSql.Classes' arrayCumSum

    public AbcRanking(IEnumerable<(string CustomerId, double Revenue)> revenues)
    {
        revenueOf = revenues.Where(r => r.Revenue > 0).ToDictionary(r => r.CustomerId, r => r.Revenue);
        descending = revenueOf.Values.OrderDescending().ToArray();
        before = new double[descending.Length + 1];
        for (var i = 0; i < descending.Length; i++) before[i + 1] = before[i] + descending[i];
    }

    public double Total => before[^1];

    /// <summary>The customer's revenue in the period (0 if unranked), the revenue of the customers with strictly more, the total.</summary>
    public StandingRow Standing(string customerId)
    {
        var revenue = revenueOf.GetValueOrDefault(customerId);
        if (revenue <= 0) return new StandingRow(0, Total, Total);
        var (lo, hi) = (0, descending.Length); // the number of revenues strictly greater than this one
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (descending[mid] > revenue) lo = mid + 1; else hi = mid;
        }
        return new StandingRow(revenue, before[lo], Total);
    }
}

/// <summary>A site's rankings for one period: the A/B/C ranking and the RFM scores.</summary>
public sealed record CustomerRanking(AbcRanking Abc, RfmRanking Rfm);

/// <summary>
/// The rankings in use, per site and period: both read by one query (<see cref="AbcSql.Standings"/>) and kept
/// <see cref="CustomerOptions.AbcCacheSeconds"/> as <see cref="SiteFigures{TKey,TValue}"/> (a class or RFM segment may lag
/// a new order by up to twice that). The default period (the last <see cref="CustomerOptions.AbcMonths"/> months up to
/// now) is one entry per site whose end moves on at each read.
/// </summary>
public sealed class CustomerRankings
{
    readonly IClickHouse clickHouse;
    readonly IOptions<CustomerOptions> options;
    readonly CustomerOrderSnapshots snapshots;
    readonly SiteFigures<(string Site, DateTimeOffset? From, DateTimeOffset? To), CustomerRanking> figures;

    public CustomerRankings(IClickHouse clickHouse, IOptions<CustomerOptions> options, CustomerOrderSnapshots snapshots)
    {
        (this.clickHouse, this.options, this.snapshots) = (clickHouse, options, snapshots);
        figures = new(() => TimeSpan.FromSeconds(options.Value.AbcCacheSeconds), ReadAsync);
    }

    /// <summary>The rankings of the site over [from, to); <paramref name="defaultPeriod"/> when the caller named no period.</summary>
    public Task<CustomerRanking> GetAsync(string siteId, DateTimeOffset from, DateTimeOffset to, bool defaultPeriod, CancellationToken ct) =>
        figures.GetAsync(defaultPeriod ? (siteId, null, null) : (siteId, from, to), ct);

    async Task<CustomerRanking> ReadAsync((string Site, DateTimeOffset? From, DateTimeOffset? To) key)
    {
        var to = key.To ?? DateTimeOffset.UtcNow;
        var from = key.From ?? to.AddMonths(-options.Value.AbcMonths);
        var orders = await snapshots.OfAsync(key.Site, CancellationToken.None);
        var rows = await clickHouse.QueryListAsync(AbcSql.Standings(orders, from, to), CustomerRowsJson.Default.StandingsRow, CancellationToken.None);
        return new CustomerRanking(
            new AbcRanking(rows.Select(r => (r.CustomerId, r.Revenue))),
            new RfmRanking(rows.Where(r => r.Orders > 0).Select(r => new RfmFigures(r.CustomerId, r.LastOrderS, r.Orders, r.RfmRevenue))));
    }
}
