using Analytics.Shared;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Customers;

/// <summary>One customer's lifetime order figures (non-returned orders; first order in Unix seconds, 0 without one).</summary>
public sealed record CustomerTotalRow(string CustomerId, double Revenue, long Orders, long FirstOrderS);

/// <summary>
/// Every customer's lifetime revenue, orders and first order of a site, for the customer list. Deduplicating 500 k orders
/// against the tracker's purchases and resolving their customers takes seconds at 10 M events on this machine, too
/// slow to repeat for every page, search and count; the totals are read in one query and kept
/// <see cref="CustomerOptions.AbcCacheSeconds"/> as <see cref="SiteFigures{TKey,TValue}"/>, like the A/B/C ranking (a new
/// order shows in the list within twice that).
/// </summary>
public sealed class CustomerTotals
{
    readonly IClickHouse clickHouse;
    readonly CustomerOrderSnapshots snapshots;
    readonly SiteFigures<string, Dictionary<string, CustomerTotalRow>> figures;

    public CustomerTotals(IClickHouse clickHouse, IOptions<CustomerOptions> options, CustomerOrderSnapshots snapshots)
    {
        (this.clickHouse, this.snapshots) = (clickHouse, snapshots);
        figures = new(() => TimeSpan.FromSeconds(options.Value.AbcCacheSeconds), ReadAsync);
    }

    public static Sql Query(CustomerOrders orders) => Sql.Query($"""
        SELECT customer_id, sum(revenue) AS revenue, toUInt64(countIf(returned = 0)) AS orders,
            toUInt64(if(countIf(returned = 0) = 0, 0, minIf(toUnixTimestamp(ts), returned = 0))) AS first_order_s
        FROM ({orders.All()})
        WHERE customer_id != ''
        GROUP BY customer_id
        """);

    public Task<Dictionary<string, CustomerTotalRow>> GetAsync(string siteId, CancellationToken ct) => figures.GetAsync(siteId, ct);

    async Task<Dictionary<string, CustomerTotalRow>> ReadAsync(string siteId) =>
        (await clickHouse.QueryListAsync(Query(await snapshots.OfAsync(siteId, CancellationToken.None)), CustomerRowsJson.Default.CustomerTotalRow, CancellationToken.None))
        .ToDictionary(r => r.CustomerId);
}
