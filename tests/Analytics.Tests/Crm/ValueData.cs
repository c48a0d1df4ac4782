using System.Globalization;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Sessions;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Crm;

/// <summary>
/// Generated customers with devices, sessions, orders (CRM and tracker), contacts and acquisition costs, and customer
/// value computed here from the definitions of docs/crm-analytics.md, independently of the SQL.
/// </summary>
public sealed class ValueData
{
    public static readonly string[] Channels = ["paid_search", "paid_social", "email", "direct"];
    public static readonly string[] Campaigns = ["", "spring", "summer"];
    static readonly DateTimeOffset Start = DateTimeOffset.Parse("2025-11-01T00:00:00Z", CultureInfo.InvariantCulture);

    public sealed record Order(string OrderId, string CustomerId, string? Vid, DateTimeOffset Ts, double Revenue, double? CostOfGoods, bool Returned);
    public sealed record Contact(string ContactId, string CustomerId, DateTimeOffset Ts, string Kind, double Cost);
    public sealed record Cost(DateOnly Day, string Channel, string Campaign, double Amount);
    public sealed record Value(string CustomerId, DateTimeOffset? FirstOrder, bool Acquired, string Channel, string Campaign, long Orders,
        double Revenue, double CostOfGoods, double RevenueWithoutCost, double AcquisitionCost, long Contacts, long Complaints, double ServiceCost)
    {
        public double Margin => Revenue - CostOfGoods;
        public double Contribution => Revenue - CostOfGoods - AcquisitionCost - ServiceCost;
    }

    public List<EventRow> Events { get; } = [];
    public List<IdentityLinkRow> Links { get; } = [];
    public List<Order> Orders { get; } = [];
    public List<Contact> Contacts { get; } = [];
    /// <summary>Costs in the order they are posted: a later row of the same (day, channel, campaign) replaces an earlier one.</summary>
    public List<Cost> Costs { get; } = [];

    public static ValueData Generate(string siteId, int customers = 36, int seed = 19)
    {
        var random = new Random(seed);
        var data = new ValueData();
        DateTimeOffset At(int fromDay, int days) => Start.AddDays(fromDay).AddSeconds(random.Next(0, days * 86_400));
        var order = 0;
        for (var i = 0; i < customers; i++)
        {
            var customer = $"C{i:00}";
            string? vid = i % 9 == 8 ? null : $"v{i:00}"; // some customers are known to the CRM only: no first touch
            if (vid is not null)
            {
                data.Links.Add(Link(siteId, vid, customer, Start.AddDays(-10).ToUnixTimeMilliseconds()));
                var sessionStart = At(0, 80);
                for (var s = random.Next(1, 4); s > 0; s--)
                {
                    var (channel, campaign) = (Channels[random.Next(Channels.Length)], Campaigns[random.Next(Campaigns.Length)]);
                    var ms = sessionStart.ToUnixTimeMilliseconds();
                    data.Events.Add(Event(siteId, vid, ms, channel: channel, campaign: campaign));
                    data.Events.Add(Event(siteId, vid, ms + 60_000, path: "/shoes", channel: "internal"));
                    sessionStart = sessionStart.AddHours(random.Next(2, 24 * 20));
                }
            }
            for (var n = random.Next(0, 5); n > 0; n--)
            {
                var id = $"O{order++}";
                var ts = At(30, 150);
                var revenue = random.Next(1000, 40000) / 100.0;
                if (vid is not null && random.Next(4) == 0)
                {
                    // A tracker purchase of the linked device: the customer's by the person rule, no cost of goods.
                    var ms = ts.ToUnixTimeMilliseconds();
                    var purchase = Event(siteId, vid, ms, type: "purchase", path: "/checkout", channel: "direct");
                    (purchase.OrderId, purchase.Revenue, purchase.Currency) = (id, revenue, "EUR");
                    data.Events.Add(purchase);
                    data.Orders.Add(new Order(id, customer, vid, ts, revenue, null, false));
                    continue;
                }
                var returned = random.Next(8) == 0;
                double? cost = random.Next(3) == 0 ? null : Math.Round(revenue * random.Next(20, 70) / 100.0, 2);
                data.Orders.Add(new Order(id, customer, null, ts, revenue, cost, returned));
            }
            for (var n = random.Next(0, 4); n > 0; n--)
                data.Contacts.Add(new Contact($"K{i}-{n}", customer, At(60, 120), random.Next(3) switch { 0 => "complaint", 1 => "service", _ => "sales" },
                    random.Next(0, 2500) / 100.0));
        }
        // A device two customers share (DESIGN.md "Semantics"): linked to C00 first and to C01 from day 2 on, so by the
        // shared-device rule its session of day 1 is C00's and that of day 3 C01's, earlier than their own devices' first.
        data.Links.Add(Link(siteId, "shared", "C00", Start.AddDays(-20).ToUnixTimeMilliseconds()));
        data.Links.Add(Link(siteId, "shared", "C01", Start.AddDays(2).ToUnixTimeMilliseconds()));
        data.Events.Add(Event(siteId, "shared", Start.AddDays(1).ToUnixTimeMilliseconds(), channel: "paid_social", campaign: "summer"));
        data.Events.Add(Event(siteId, "shared", Start.AddDays(3).ToUnixTimeMilliseconds(), channel: "email", campaign: "spring"));
        foreach (var month in new[] { 12, 1, 2, 3, 4 })
        foreach (var channel in Channels[..3])
        foreach (var campaign in Campaigns)
        foreach (var day in new[] { 3, 17 })
            data.Costs.Add(new Cost(new DateOnly(month == 12 ? 2025 : 2026, month, day), channel, campaign, random.Next(1000, 90000) / 100.0));
        return data;
    }

    /// <summary>The costs as stored: per (day, channel, campaign) the last row posted.</summary>
    public IEnumerable<Cost> StoredCosts() => Costs.GroupBy(c => (c.Day, c.Channel, c.Campaign)).Select(g => g.Last());

    /// <summary>
    /// The value of each customer with an order (not returned) or a contact in [from, to): figures in the range; the
    /// acquisition cost when the first order (all time) is in the range: the first touch's costs in that month divided
    /// by the customers whose first order is in that month with the same first touch.
    /// </summary>
    public Dictionary<string, Value> Expected(DateTimeOffset from, DateTimeOffset to)
    {
        bool In(DateTimeOffset t) => t >= from && t < to;
        var sessions = Sessions.SessionData.Expected(Events, Links);
        var touches = sessions.Where(s => s.Person != s.VisitorId).GroupBy(s => s.Person)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartMs).First());
        var firstOrders = Orders.Where(o => !o.Returned).GroupBy(o => o.CustomerId).ToDictionary(g => g.Key, g => g.Min(o => o.Ts));
        (string, string) Touch(string customer) => touches.TryGetValue(customer, out var s) ? (s.Channel, s.UtmCampaign) : ("", "");
        static DateOnly Month(DateTimeOffset t) => new(t.Year, t.Month, 1);
        var acquiredPerKey = firstOrders.GroupBy(f => (Month(f.Value), Touch(f.Key))).ToDictionary(g => g.Key, g => g.Count());
        var costPerKey = StoredCosts().GroupBy(c => (new DateOnly(c.Day.Year, c.Day.Month, 1), (c.Channel, c.Campaign)))
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Amount));

        var customers = Orders.Where(o => !o.Returned && In(o.Ts)).Select(o => o.CustomerId)
            .Concat(Contacts.Where(c => In(c.Ts)).Select(c => c.CustomerId)).Distinct();
        return customers.ToDictionary(c => c, c =>
        {
            var orders = Orders.Where(o => o.CustomerId == c && In(o.Ts)).ToList();
            var contacts = Contacts.Where(k => k.CustomerId == c && In(k.Ts)).ToList();
            var first = firstOrders.TryGetValue(c, out var f) ? f : (DateTimeOffset?)null;
            var acquired = first is { } t && In(t);
            var touch = Touch(c);
            var acquisition = acquired ? costPerKey.GetValueOrDefault((Month(first!.Value), touch)) / acquiredPerKey[(Month(first.Value), touch)] : 0;
            return new Value(c, first, acquired, touch.Item1, touch.Item2, orders.Count(o => !o.Returned),
                orders.Where(o => !o.Returned).Sum(o => o.Revenue), orders.Where(o => !o.Returned).Sum(o => o.CostOfGoods ?? 0),
                orders.Where(o => !o.Returned && o.CostOfGoods is null).Sum(o => o.Revenue), acquisition,
                contacts.Count, contacts.Count(k => k.Kind == "complaint"), contacts.Sum(k => k.Cost));
        });
    }

    public string OrdersJson() => CrmClient.Json(Orders.Where(o => o.Vid is null).Select(o => (object)new Dictionary<string, object?>
    {
        ["order_id"] = o.OrderId, ["customer_id"] = o.CustomerId, ["ts"] = o.Ts.ToUnixTimeMilliseconds(), ["revenue"] = o.Revenue,
        ["currency"] = "EUR", ["cost_of_goods"] = o.CostOfGoods, ["status"] = o.Returned ? "returned" : "paid",
    }).ToArray());

    public string ContactsJson() => CrmClient.Json(Contacts.Select(k => (object)new
    {
        contact_id = k.ContactId, customer_id = k.CustomerId, ts = k.Ts.ToUnixTimeMilliseconds(), channel = "phone", kind = k.Kind, cost = k.Cost,
    }).ToArray());

    public static string CostsJson(IEnumerable<Cost> costs) => CrmClient.Json(costs.Select(c => (object)new
    {
        day = c.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), channel = c.Channel, campaign = c.Campaign, cost = c.Amount,
    }).ToArray());

    public static string CostsCsv(IEnumerable<Cost> costs) => "day,channel,campaign,cost\n" + string.Concat(costs.Select(c =>
        $"{c.Day:yyyy-MM-dd},{c.Channel},{c.Campaign},{c.Amount.ToString(CultureInfo.InvariantCulture)}\n"));
}
