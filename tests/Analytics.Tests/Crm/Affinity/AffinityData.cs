using System.Globalization;
using System.Text.Json;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Tests.Reports;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Crm.Affinity;

/// <summary>
/// A generated shop for the affinity report and the recommendations: sessions with product views and purchases (items
/// in the purchase's props, repeated purchase events, CRM orders with other items, returned and CRM-only orders), and
/// the definitions of docs/crm-analytics.md "Cross- and up-selling" computed here in plain C#.
/// </summary>
public sealed class AffinityData
{
    public const string Range = "from=2026-04-01&to=2026-04-30";
    public static readonly long FromMs = DateTimeOffset.Parse("2026-03-31T22:00:00Z").ToUnixTimeMilliseconds();
    public static readonly long ToMs = DateTimeOffset.Parse("2026-04-30T22:00:00Z").ToUnixTimeMilliseconds();
    const long Minute = 60_000;

    /// <summary>Products: sku, category, price. "12" is sent as a number (a view's id, an item's sku).</summary>
    public static readonly (string Sku, string Category, double Price)[] Products =
    [
        ("P1", "shoes", 10), ("P2", "shoes", 20), ("P3", "shoes", 35), ("P4", "bags", 15), ("P5", "bags", 40),
        ("P6", "socks", 5), ("P7", "socks", 8), ("P8", "hats", 25), ("12", "hats", 30),
    ];

    public sealed record CrmOrder(string OrderId, string CustomerId, long TsMs, List<string> Skus, string Status);

    public List<EventRow> Events { get; } = [];
    public List<IdentityLinkRow> Links { get; } = [];
    public List<CrmOrder> CrmOrders { get; } = [];
    /// <summary>The SKUs a purchase event's items name, by event id.</summary>
    public Dictionary<Guid, List<string>> PurchaseItems { get; } = [];

    public static AffinityData Generate(string site, int seed = 11, int visitors = 50)
    {
        var data = new AffinityData();
        var random = new Random(seed);
        var first = DateTimeOffset.Parse("2026-04-03T00:00:00Z").ToUnixTimeMilliseconds();
        var orderNumber = 0;
        for (var v = 1; v <= visitors; v++)
        {
            var vid = $"a{v:00}";
            var device = v % 3 == 0 ? "mobile" : "desktop";
            if (v % 2 == 0) data.Links.Add(SessionData.Link(site, vid, $"c{v:00}", first - Minute));
            foreach (var day in Enumerable.Range(0, 23).OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                var t = first + day * 24 * 60 * Minute + random.Next(0, 20 * 60) * Minute;
                data.Events.Add(Event(site, vid, t, "pageview", device));
                var purchaseAt = random.Next(10) < 5 ? random.Next(0, 5) : -1;
                var steps = random.Next(1, 6);
                for (var step = 0; step < steps; step++)
                {
                    t += random.Next(1, 10) * Minute;
                    if (step == purchaseAt)
                        data.Purchase(site, vid, device, t, $"o{++orderNumber:000}", v, random);
                    else
                        data.View(site, vid, device, t, Products[random.Next(Products.Length)].Sku, random.Next(2) == 0);
                }
            }
        }
        // Orders the CRM alone knows (no session), one of them before the range.
        for (var n = 1; n <= 12; n++)
            data.CrmOrders.Add(new CrmOrder($"crm{n:00}", $"c{2 * n:00}", first + n * 24 * 60 * Minute, RandomSkus(random), "paid"));
        data.CrmOrders.Add(new CrmOrder("crm-old", "c02", DateTimeOffset.Parse("2026-03-10T10:00:00Z").ToUnixTimeMilliseconds(), ["P1", "P2"], "paid"));
        return data;
    }

    static List<string> RandomSkus(Random random) =>
        Products.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select(p => p.Sku).ToList();

    void View(string site, string vid, string device, long t, string sku, bool asId)
    {
        var product = Products.Single(p => p.Sku == sku);
        var e = Event(site, vid, t, "product_view", device);
        e.PropsKeys = [asId ? "id" : "sku", "name", "price", "category"];
        e.PropsValues = [sku, "Product " + sku, product.Price.ToString(CultureInfo.InvariantCulture), product.Category];
        Events.Add(e);
    }

    void Purchase(string site, string vid, string device, long t, string orderId, int visitor, Random random)
    {
        var skus = RandomSkus(random);
        var e = PurchaseEvent(site, vid, device, t, orderId, skus);
        switch (random.Next(20))
        {
            case < 7: // the CRM knows the order, with its own items (they win)
                CrmOrders.Add(new CrmOrder(orderId, visitor % 2 == 0 ? $"c{visitor:00}" : $"x{visitor:00}", t, RandomSkus(random), random.Next(6) == 0 ? "returned" : "paid"));
                break;
            case < 10: // the tracker sends the purchase again, later and with other items: the first one counts
                Events.Add(PurchaseEvent(site, vid, device, t + 2 * Minute, orderId, RandomSkus(random)));
                break;
        }
        Events.Add(e);
    }

    EventRow PurchaseEvent(string site, string vid, string device, long t, string orderId, List<string> skus)
    {
        var e = Event(site, vid, t, "purchase", device);
        e.OrderId = orderId;
        e.Revenue = 10;
        e.PropsKeys = ["items"];
        e.PropsValues = [JsonSerializer.Serialize(skus.Select(s => s == "12"
            ? (object)new { sku = 12, quantity = 1, price = 30 } : new { sku = s, quantity = 2, price = 1.5 }))];
        PurchaseItems[e.EventId] = skus;
        return e;
    }

    static EventRow Event(string site, string vid, long t, string type, string device)
    {
        var e = ReportData.Event(site, vid, t, type, "/shop", "DE", device, "direct", true);
        return e;
    }

    /// <summary>The CRM import body of the orders.</summary>
    public string CrmOrdersJson() => JsonSerializer.Serialize(CrmOrders.Select(o => new
    {
        order_id = o.OrderId, customer_id = o.CustomerId, ts = DateTimeOffset.FromUnixTimeMilliseconds(o.TsMs).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        currency = "EUR", status = o.Status,
        items = o.Skus.Select(s => new { sku = s, name = "Product " + s, category = Products.Single(p => p.Sku == s).Category, quantity = 1, price = Products.Single(p => p.Sku == s).Price }),
    }));

    public string Person(EventRow e) => SessionData.Person(e.Vid, e.TsMs, Links);

    /// <summary>An order's first purchase event (the earliest; an order the CRM alone knows has none).</summary>
    public EventRow? FirstPurchase(string orderId) =>
        Events.Where(e => e.Type == "purchase" && e.OrderId == orderId).OrderBy(e => e.TsMs).FirstOrDefault();

    /// <summary>The SKUs of an order: the CRM's items when the CRM knows it, else its first purchase event's.</summary>
    public List<string> OrderSkus(string orderId) =>
        (CrmOrders.FirstOrDefault(o => o.OrderId == orderId)?.Skus ?? PurchaseItems[FirstPurchase(orderId)!.EventId]).Distinct().ToList();

    /// <summary>
    /// The baskets of the range: CRM orders in it that are not returned, and tracker orders unknown to the CRM whose first
    /// purchase lies in it; with a filter only orders of a customer or visitor with a matching event in the range.
    /// </summary>
    public List<List<string>> Baskets(Func<EventRow, bool> match)
    {
        var matching = Events.Where(e => e.TsMs >= FromMs && e.TsMs < ToMs && match(e)).ToList();
        var persons = matching.Select(Person).ToHashSet();
        var vids = matching.Select(e => e.Vid).ToHashSet();
        var orders = CrmOrders.Where(o => o.TsMs >= FromMs && o.TsMs < ToMs && o.Status != "returned")
            .Select(o => (o.OrderId, Customer: o.CustomerId, Vid: FirstPurchase(o.OrderId)?.Vid ?? ""))
            .Concat(Events.Where(e => e.Type == "purchase" && CrmOrders.All(o => o.OrderId != e.OrderId)).Select(e => e.OrderId).Distinct()
                .Select(FirstPurchase).Where(e => e!.TsMs >= FromMs && e.TsMs < ToMs).Select(e => (e!.OrderId, Customer: e.CustomerId, e.Vid)));
        return orders.Where(o => (o.Customer != "" && persons.Contains(o.Customer)) || (o.Vid != "" && vids.Contains(o.Vid)))
            .Select(o => OrderSkus(o.OrderId)).Where(s => s.Count > 0).ToList();
    }

    /// <summary>A session's shopping: first view time per product viewed, last purchase time per product bought.</summary>
    public sealed record ShoppingSession(Dictionary<string, long> FirstView, Dictionary<string, long> LastBuy);

    /// <summary>The sessions starting in the range (holding a matching event), with their views and orders (each at its first purchase event).</summary>
    public List<ShoppingSession> Sessions(Func<EventRow, bool> match)
    {
        var result = new List<ShoppingSession>();
        var returned = CrmOrders.Where(o => o.Status == "returned").Select(o => o.OrderId).ToHashSet();
        foreach (var s in SessionData.Expected(Events, Links).Where(s => s.StartMs >= FromMs && s.StartMs < ToMs))
        {
            var inside = Events.Where(e => e.Vid == s.VisitorId && e.TsMs >= s.StartMs && e.TsMs <= s.EndMs).ToList();
            if (!inside.Any(match)) continue;
            var firstView = new Dictionary<string, long>();
            foreach (var v in inside.Where(e => e.Type == "product_view").OrderBy(e => e.TsMs))
                firstView.TryAdd(v.PropsValues[0], v.TsMs);
            var lastBuy = new Dictionary<string, long>();
            foreach (var order in inside.Where(e => e.Type == "purchase").Select(e => e.OrderId).Distinct())
            {
                var firstEvent = FirstPurchase(order)!;
                if (returned.Contains(order) || firstEvent.TsMs < s.StartMs || firstEvent.TsMs > s.EndMs) continue;
                foreach (var sku in OrderSkus(order)) lastBuy[sku] = Math.Max(lastBuy.GetValueOrDefault(sku), firstEvent.TsMs);
            }
            result.Add(new ShoppingSession(firstView, lastBuy));
        }
        return result;
    }

    /// <summary>The SKUs a customer bought: of their CRM orders not returned, and of tracker orders the CRM does not know made on their devices.</summary>
    public HashSet<string> Bought(string customer)
    {
        var crm = CrmOrders.Where(o => o.CustomerId == customer && o.Status != "returned").Select(o => o.OrderId);
        var tracker = Events.Where(e => e.Type == "purchase" && CrmOrders.All(o => o.OrderId != e.OrderId)).Select(e => e.OrderId).Distinct()
            .Where(id => Person(FirstPurchase(id)!) == customer);
        return crm.Concat(tracker).SelectMany(OrderSkus).ToHashSet();
    }

    /// <summary>Per product its latest price and latest category in the range: CRM order items and product views' props.</summary>
    public Dictionary<string, (double Price, string Category)> Catalog()
    {
        var sightings = CrmOrders.Where(o => o.TsMs >= FromMs && o.TsMs < ToMs)
            .SelectMany(o => o.Skus.Select(s => (Sku: s, Ts: o.TsMs, Products.Single(p => p.Sku == s).Price, Products.Single(p => p.Sku == s).Category)))
            .Concat(Events.Where(e => e.Type == "product_view" && e.TsMs >= FromMs && e.TsMs < ToMs)
                .Select(e => (Sku: e.PropsValues[0], Ts: e.TsMs, Price: double.Parse(e.PropsValues[2], CultureInfo.InvariantCulture), Category: e.PropsValues[3])));
        return sightings.GroupBy(s => s.Sku).ToDictionary(g => g.Key, g => (g.MaxBy(s => s.Ts).Price, g.MaxBy(s => s.Ts).Category));
    }

    /// <summary>(product, other, count, support, confidence, lift) by the definitions, of <paramref name="sku"/> or every product.</summary>
    public static List<(string Product, string Other, long Count, double Support, double Confidence, double Lift)> Rules<TUnit>(
        List<TUnit> units, Func<TUnit, string, bool> hasProduct, Func<TUnit, string, bool> hasOther, Func<TUnit, string, string, bool> both, string? sku)
    {
        var skus = Products.Select(p => p.Sku).ToList();
        var rules = new List<(string, string, long, double, double, double)>();
        foreach (var a in skus.Where(a => sku is null || a == sku))
        foreach (var b in skus.Where(b => b != a))
        {
            var n = units.Count(u => both(u, a, b));
            if (n == 0) continue;
            var withA = units.Count(u => hasProduct(u, a));
            var withB = units.Count(u => hasOther(u, b));
            var confidence = (double)n / withA;
            rules.Add((a, b, n, (double)n / units.Count, confidence, confidence / ((double)withB / units.Count)));
        }
        return rules;
    }
}
