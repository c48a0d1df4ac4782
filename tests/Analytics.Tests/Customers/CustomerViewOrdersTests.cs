using Analytics.Customers;

namespace Analytics.Tests.Customers;

/// <summary>The view's orders from its three reads follow the orders rules: the CRM wins, returns count nothing, the tracker's are the owner's.</summary>
public sealed class CustomerViewOrdersTests
{
    [Fact]
    public void Crm_orders_take_their_first_purchase_event_and_tracker_orders_count_only_when_the_crm_does_not_know_them()
    {
        CrmOrderRow[] crm =
        [
            new("O2", 200, 80, "EUR", 30, 1, 0),
            new("O1", 100, 50, "EUR", 20, 1, 1), // returned: no revenue, no cost
        ];
        string[] crmIds = ["O1", "O2", "O-old"]; // O-old: an older version named the customer, the latest names another
        DevicePurchaseRow[] purchases =
        [
            new("O1", "laptop", 99_000, 99, 55, "EUR", "C1"),
            new("T2", "phone", 300_000, 300, 12, "EUR", "C1"),
            new("T1", "phone", 300_000, 300, 10, "EUR", "C1"),  // same second as T2: ordered by id
            new("O-old", "phone", 150_000, 150, 40, "EUR", "C1"),
            new("T-other", "phone", 160_000, 160, 40, "EUR", "C2"), // a shared device: another customer's purchase
            new("T-known", "laptop", 170_000, 170, 40, "EUR", "C1"), // the CRM has it under another customer
        ];

        Assert.Equal(["T2", "T1", "T-known"], CustomerViewOrders.TrackerCandidates("C1", crmIds, purchases));
        var orders = CustomerViewOrders.Combine("C1", crm, crmIds, purchases, new HashSet<string> { "T-known" });

        Assert.Equal(["O1", "O2", "T1", "T2"], orders.Select(o => o.OrderId));
        Assert.Equal(new CustomerOrderRow("O1", "laptop", 100, 0, "EUR", 0, 1, 1, "crm", 99_000), orders[0]);
        Assert.Equal(new CustomerOrderRow("O2", "", 200, 80, "EUR", 30, 1, 0, "crm", 0), orders[1]);
        Assert.Equal(new CustomerOrderRow("T1", "phone", 300, 10, "EUR", 0, 0, 0, "tracker", 300_000), orders[2]);
    }
}
