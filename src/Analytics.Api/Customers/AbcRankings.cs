using System.Collections.Concurrent;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Customers;

/// <summary>
/// A site's A/B/C ranking for a period: every ranked customer's revenue, sorted, with running sums. One customer's class
/// needs the whole site's revenue (the total, the revenue above it), which at 500 k orders is a query of seconds; the
/// ranking is read once by <see cref="AbcSql.Revenues"/> and answers each customer's standing in O(log n).
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

/// <summary>
/// The A/B/C rankings in use, per site and period, each kept <see cref="CustomerOptions.AbcCacheSeconds"/> (a class may
/// lag a new order by that long). Concurrent requests for one ranking share its read. The default period (the last
/// months up to now) is one entry per site whose end moves on at each refresh.
/// </summary>
public sealed class AbcRankings(IClickHouse clickHouse, IOptions<CustomerOptions> options)
{
    sealed record Entry(DateTimeOffset ReadAt, Task<AbcRanking> Ranking);

    const int MaxEntries = 256;
    readonly ConcurrentDictionary<(string Site, DateTimeOffset? From, DateTimeOffset? To), Entry> entries = new();

    /// <summary>The ranking of the site over [from, to); <paramref name="defaultPeriod"/> when the caller named no period.</summary>
    public Task<AbcRanking> GetAsync(string siteId, DateTimeOffset from, DateTimeOffset to, bool defaultPeriod, CancellationToken ct)
    {
        var key = defaultPeriod ? (siteId, (DateTimeOffset?)null, (DateTimeOffset?)null) : (siteId, from, to);
        var now = DateTimeOffset.UtcNow;
        var maxAge = TimeSpan.FromSeconds(options.Value.AbcCacheSeconds);
        if (entries.TryGetValue(key, out var entry) && now - entry.ReadAt < maxAge && !entry.Ranking.IsFaulted && !entry.Ranking.IsCanceled)
            return entry.Ranking;
        if (entries.Count >= MaxEntries)
            foreach (var stale in entries.Where(e => now - e.Value.ReadAt >= maxAge).Select(e => e.Key).ToList()) entries.TryRemove(stale, out _);
        var fresh = new Entry(now, ReadAsync(siteId, from, to));
        entries[key] = fresh;
        return fresh.Ranking.WaitAsync(ct);
    }

    // Not cancelled with the request: other requests may be waiting for the same ranking.
    async Task<AbcRanking> ReadAsync(string siteId, DateTimeOffset from, DateTimeOffset to)
    {
        var rows = await clickHouse.QueryListAsync(AbcSql.Revenues(siteId, from, to), CustomerRowsJson.Default.RevenueRow, CancellationToken.None);
        return new AbcRanking(rows.Select(r => (r.CustomerId, r.Revenue)));
    }
}
