namespace Analytics.Customers;

/// <summary>A CRM order whose latest version names the customer (revenue and cost as the CRM has them).</summary>
public sealed record CrmOrderRow(string OrderId, long TsS, double Revenue, string Currency, double CostOfGoods, int HasCostOfGoods, int Returned);

/// <summary>The first purchase event of an order on the customer's devices, and whose order the tracker says it is.</summary>
public sealed record DevicePurchaseRow(string OrderId, string Vid, long PurchaseMs, long TsS, double Revenue, string Currency, string Owner);

/// <summary>The customer's orders from the view's three reads, by the <see cref="Crm.OrdersSql"/> rules.</summary>
public static class CustomerViewOrders
{
    /// <summary>The tracker's orders of the customer that the CRM does not have as its own: those the CRM might know under another customer.</summary>
    public static List<string> TrackerCandidates(string customerId, IReadOnlyCollection<string> crmOrderIds, IEnumerable<DevicePurchaseRow> purchases)
    {
        var crm = crmOrderIds.ToHashSet(StringComparer.Ordinal);
        return purchases.Where(p => p.Owner == customerId && !crm.Contains(p.OrderId)).Select(p => p.OrderId).ToList();
    }

    /// <summary>
    /// The CRM's orders (a return counts no revenue and no cost), each with the visitor and time of its first purchase
    /// event on the devices where there is one, then the tracker's orders of the customer that the CRM does not know
    /// (neither among the ids any version of which named the customer nor, <paramref name="knownToCrm"/>, under another);
    /// ordered by time, then id.
    /// </summary>
    public static List<CustomerOrderRow> Combine(string customerId, IEnumerable<CrmOrderRow> crm, IReadOnlyCollection<string> crmOrderIds,
        IReadOnlyList<DevicePurchaseRow> purchases, IReadOnlySet<string> knownToCrm)
    {
        var firstPurchase = purchases.ToDictionary(p => p.OrderId, StringComparer.Ordinal);
        var crmOrders = crm.Select(o =>
        {
            var seen = firstPurchase.GetValueOrDefault(o.OrderId);
            var returned = o.Returned == 1;
            return new CustomerOrderRow(o.OrderId, seen?.Vid ?? "", o.TsS, returned ? 0 : o.Revenue, o.Currency, returned ? 0 : o.CostOfGoods,
                o.HasCostOfGoods, o.Returned, "crm", seen?.PurchaseMs ?? 0);
        }).ToList();
        var trackerOrders = TrackerCandidates(customerId, crmOrderIds, purchases).ToHashSet(StringComparer.Ordinal);
        var trackerOnly = purchases.Where(p => trackerOrders.Contains(p.OrderId) && !knownToCrm.Contains(p.OrderId))
            .Select(p => new CustomerOrderRow(p.OrderId, p.Vid, p.TsS, p.Revenue, p.Currency, 0, 0, 0, "tracker", p.PurchaseMs));
        return crmOrders.Concat(trackerOnly).OrderBy(o => o.TsS).ThenBy(o => o.OrderId, StringComparer.Ordinal).ToList();
    }
}
