using System.Text.Json.Serialization;
using Analytics.Customers;
using Analytics.Reports.Filters;
using Analytics.Sessions;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;
using ViewContact = Analytics.Customers.ContactRow;

namespace Analytics.Crm.Value;

/// <summary>
/// The value of one customer over all time, for the 360-degree view. The customer's own figures come from the orders,
/// contacts and sessions the view has read already (<see cref="Of"/>); only the acquisition share needs the whole site
/// (the other customers acquired in the same month through the same first touch), so the site's acquisition costs per
/// customer are read once by <see cref="ValueSql"/> and kept <see cref="CustomerOptions.AbcCacheSeconds"/> as
/// <see cref="SiteFigures{TKey,TValue}"/>, like the A/B/C ranking: a customer's acquisition cost may lag a new first
/// order or cost import by up to twice that.
/// </summary>
public sealed class CustomerValueReader
{
    readonly IClickHouse clickHouse;
    readonly FirstTouchSnapshots firstTouches;
    readonly SiteFigures<(string Id, string TimeZone), Dictionary<string, double>> figures;
    readonly CustomerOrderSnapshots snapshots;

    public CustomerValueReader(IClickHouse clickHouse, FirstTouchSnapshots firstTouches, IOptions<CustomerOptions> options, CustomerOrderSnapshots snapshots)
    {
        (this.clickHouse, this.firstTouches, this.snapshots) = (clickHouse, firstTouches, snapshots);
        figures = new(() => TimeSpan.FromSeconds(options.Value.AbcCacheSeconds), ReadAsync);
    }

    /// <summary>The acquisition cost of every customer of the site that has one (all time).</summary>
    public Task<Dictionary<string, double>> AcquisitionCostsAsync(Site site, CancellationToken ct) => figures.GetAsync((site.Id, site.TimeZone), ct);

    async Task<Dictionary<string, double>> ReadAsync((string Id, string TimeZone) site)
    {
        var (from, to) = (DateTimeOffset.UnixEpoch, DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue));
        var orders = await snapshots.OfAsync(site.Id, CancellationToken.None);
        var rows = ValueSql.Customers(orders, from, to, ReportTimeZone.Find(site.TimeZone), await firstTouches.RowsAsync(site.Id, CancellationToken.None));
        var costs = await clickHouse.QueryListAsync(Sql.Query($"SELECT customer_id, acquisition_cost FROM ({rows}) AS value_rows WHERE acquisition_cost > 0"),
            CustomerValueJson.Default.AcquisitionRow, CancellationToken.None);
        return costs.ToDictionary(c => c.CustomerId, c => c.AcquisitionCost, StringComparer.Ordinal);
    }

    /// <summary>
    /// The view's value: <see cref="ValueSql"/>'s definitions over the customer's own orders (returned ones without revenue
    /// and cost, and not a first order), contacts and sessions (the first one's channel and campaign), all time.
    /// Null for a customer without orders and contacts.
    /// </summary>
    public static CustomerValueRow? Of(string customerId, IReadOnlyList<CustomerOrderRow> orders, IReadOnlyList<ViewContact> contacts,
        IReadOnlyList<SessionRow> ownSessions, double acquisitionCost)
    {
        var kept = orders.Where(o => o.Returned == 0).ToList();
        if (kept.Count == 0 && contacts.Count == 0) return null;
        var first = ownSessions.Count == 0 ? null : ownSessions.MinBy(s => s.StartMs);
        var revenue = kept.Sum(o => o.Revenue);
        var cost = kept.Sum(o => o.HasCostOfGoods == 1 ? o.CostOfGoods : 0);
        var service = contacts.Sum(c => c.Cost);
        var acquired = kept.Count > 0;
        var acquisition = acquired ? acquisitionCost : 0;
        return new CustomerValueRow(customerId, acquired ? DateTimeOffset.FromUnixTimeSeconds(kept.Min(o => o.TsS)) : null, acquired,
            first?.Channel ?? "", first?.UtmCampaign ?? "", kept.Count, Money(revenue), Money(cost), Money(revenue - cost),
            Money(kept.Where(o => o.HasCostOfGoods == 0).Sum(o => o.Revenue)), Money(acquisition), contacts.Count,
            contacts.Count(c => c.Kind == "complaint"), Money(service), Money(revenue - cost - acquisition - service));
    }

    static double Money(double value) => Math.Round(value, 2);
}

public sealed record AcquisitionRow(string CustomerId, double AcquisitionCost);

[JsonSerializable(typeof(AcquisitionRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class CustomerValueJson : JsonSerializerContext;
