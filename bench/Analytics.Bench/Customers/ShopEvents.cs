using Analytics.Demo;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Bench.Customers;

/// <summary>What the loader stored, and which customers it gave traffic: the bench samples the 360-degree view from it.</summary>
sealed record LoadSummary(long Events, long Visitors, long CustomerEvents, long IdentifyLinks, long MatchedPurchases, long TrackerOnlyPurchases, List<SampleCustomer> Sample);

/// <summary>A customer the bench opens, why (typical, heavy, multi-device, shared-device), and whether it has web events.</summary>
sealed record SampleCustomer(string Id, string Kind, bool HasEvents, int Orders);

/// <summary>
/// The web side of the <c>customers</c> bench, inserted with RowBinary straight into the service's ClickHouse:
/// the customers' devices first (about a quarter of the events: returning visitors with 1–6 sessions, an identify
/// event in the traffic of the devices the CRM does not know, a transaction session with a <c>purchase</c> of the
/// same <c>order_id</c> for 85 % of the CRM orders placed in the window), then anonymous visitors (as the
/// <c>sessions</c> mode generates them, a few purchases the CRM does not know) up to the number of events.
/// </summary>
sealed class ShopEvents(ShopCustomers model, string siteId)
{
    const string Host = "shop.example";

    readonly Random random = new(ShopCustomers.Seed + 2);
    readonly EventRow row = new() { SiteId = siteId, Hostname = Host, ConsentAnalytics = true, Origin = "collect", Currency = "" };

    public async Task<LoadSummary> InsertAsync(IClickHouse clickHouse, long total)
    {
        var traffic = new ShopTraffic(random);
        using var events = new RowBinaryInserts(clickHouse, EventRow.Table, EventRow.Columns);
        using var links = new RowBinaryInserts(clickHouse, IdentityLinks.Definition.Name, IdentityLinks.Definition.ColumnNames);
        var devices = model.Customers.Sum(c => c.CrmDevices.Count + c.IdentifyDevices.Count);
        // About a quarter of the traffic is the customers' (about 18 events a device that visits).
        var visits = Math.Min(0.9, 0.25 * total / (18.0 * Math.Max(1, devices)));
        var active = new HashSet<string>();
        long matched = 0;
        foreach (var customer in model.Customers)
        {
            var windowOrders = customer.Orders.Where(o => model.Orders[o].TsMs >= model.WindowStartMs).ToList();
            var own = customer.OwnDevices.ToList();
            for (var d = 0; d < own.Count && events.Rows < total; d++)
            {
                var orders = d == 0 ? windowOrders : [];
                if (random.NextDouble() >= visits && orders.Count == 0) continue;
                active.Add(own[d]);
                traffic.Visitor(row, own[d]);
                var identifies = customer.IdentifyDevices.Contains(own[d]);
                var sessions = random.Next(10) < 4 ? 1 : random.Next(2, 7);
                var identifyIn = random.Next(sessions);
                for (var s = 0; s < sessions; s++)
                    await SessionAsync(traffic, events, links, identifies && s == identifyIn ? customer.Id : null);
                foreach (var o in orders)
                    if (random.Next(100) < 85)
                    {
                        await TransactionAsync(traffic, events, customer.Id, o);
                        matched++;
                    }
            }
        }
        var customerEvents = events.Rows;
        long visitors = active.Count, trackerOnly = 0;
        while (events.Rows < total)
        {
            traffic.Visitor(row, $"av{visitors++:x8}");
            var sessions = random.Next(10) < 5 ? 1 : random.Next(2, 5);
            for (var s = 0; s < sessions && events.Rows < total; s++)
                trackerOnly += await SessionAsync(traffic, events, links, null, total);
        }
        await events.FlushAsync();
        await links.FlushAsync();
        var sample = Sample(active);
        return new LoadSummary(events.Rows, visitors, customerEvents, links.Rows, matched, trackerOnly, sample);
    }

    /// <summary>
    /// One session of 1–12 events at a random time of the window; an identify of <paramref name="identify"/> in its
    /// middle (and its link, as the service writes it). Purchases of anonymous sessions get an order id the CRM does
    /// not know; customers' devices buy in their transaction sessions only. Returns the purchases.
    /// </summary>
    async Task<int> SessionAsync(ShopTraffic traffic, RowBinaryInserts events, RowBinaryInserts links, string? identify, long total = long.MaxValue)
    {
        var t = model.WindowStartMs + (long)(random.NextDouble() * (model.Days * ShopCustomers.Day - 3_600_000));
        var count = random.Next(10) < 4 ? 1 : random.Next(2, 13);
        traffic.Session(row);
        var purchases = 0;
        for (var e = 0; e < count && events.Rows < total; e++)
        {
            t += random.Next(5_000, 300_000);
            Page(traffic, e, t);
            if (row.Type == "purchase")
            {
                // A third of the anonymous sessions' purchases stay (about 1 % of their sessions buy).
                if (identify is null && row.Vid.StartsWith("av", StringComparison.Ordinal) && random.Next(3) == 0)
                {
                    row.OrderId = $"T{row.EventId:N}"[..13];
                    row.Revenue = 10 + random.Next(300);
                    row.Currency = "EUR";
                    purchases++;
                }
                else row.Type = "add_to_cart";
            }
            row.Write(events.Writer);
            await events.RowWrittenAsync();
            if (identify is not null && e == count / 2) await IdentifyAsync(events, links, identify, t + 1_000);
        }
        return purchases;
    }

    /// <summary>The session of a CRM order: pages, the cart, and the purchase at the order's time (its gross revenue: the CRM's wins).</summary>
    async Task TransactionAsync(ShopTraffic traffic, RowBinaryInserts events, string customerId, int order)
    {
        var placed = model.Orders[order];
        var count = random.Next(3, 9);
        var t = placed.TsMs - count * 60_000L;
        traffic.Session(row);
        for (var e = 0; e < count; e++, t += 60_000)
        {
            Page(traffic, e, t);
            if (e == count - 1)
            {
                row.TsMs = placed.TsMs;
                row.ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(placed.TsMs);
                row.Type = "purchase";
                row.OrderId = ShopCustomers.OrderId(order);
                row.Revenue = Math.Round(placed.Revenue * 1.19, 2);
                row.Currency = "EUR";
                row.CustomerId = customerId;
            }
            else if (row.Type == "purchase") row.Type = e == count - 2 ? "add_to_cart" : "pageview";
            row.Write(events.Writer);
            await events.RowWrittenAsync();
        }
    }

    /// <summary>An identify event and the link it makes (IdentifyLinks.FromEvent: the event's id, time and customer).</summary>
    async Task IdentifyAsync(RowBinaryInserts events, RowBinaryInserts links, string customerId, long t)
    {
        row.EventId = Guid.NewGuid();
        row.TsMs = t;
        row.ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(t);
        row.Type = "identify";
        row.CustomerId = customerId;
        row.Referrer = "";
        row.PropsKeys.Clear();
        row.PropsValues.Clear();
        row.Write(events.Writer);
        await events.RowWrittenAsync();
        IdentityLinks.Definition.Write(new IdentityLinkRow
        {
            LinkId = row.EventId, SiteId = row.SiteId, VisitorId = row.Vid, CustomerId = customerId,
            LinkedAt = DateTimeOffset.FromUnixTimeMilliseconds(t), Source = IdentityLinks.FromIdentify,
        }, links.Writer);
        await links.RowWrittenAsync();
    }

    void Page(ShopTraffic traffic, int index, long t)
    {
        traffic.Event(row, index, t);
        row.ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(t);
        row.Url = $"https://{Host}{row.Path}";
        row.Title = $"Product {row.Path[3..]}";
        row.Referrer = index == 0 && row.Channel != "direct" ? $"https://{row.Source}/" : "";
        row.CustomerId = "";
        row.OrderId = "";
        row.Revenue = 0;
        row.Currency = "";
    }

    /// <summary>Customers to open: typical buyers, the heaviest, multi-device and shared-device ones (those with traffic first).</summary>
    List<SampleCustomer> Sample(HashSet<string> active)
    {
        // A shared device's events belong to one of its customers at a time (DESIGN.md), maybe never to this one: only devices of one customer count.
        var shared = model.Customers.Where(c => c.SharedDevice is not null).Select(c => c.SharedDevice!).ToHashSet();
        bool HasEvents(ShopCustomer c) => c.OwnDevices.Any(d => active.Contains(d) && !shared.Contains(d));
        SampleCustomer Of(ShopCustomer c, string kind) => new(c.Id, kind, HasEvents(c), c.Orders.Count);
        var pick = new Random(ShopCustomers.Seed + 3);
        var customers = model.Customers.OrderBy(_ => pick.Next()).ToList();
        return customers.Where(c => c.Orders.Count is >= 1 and <= 3).Take(300).Select(c => Of(c, "typical"))
            .Concat(model.Customers.OrderByDescending(c => c.Orders.Count).Take(60).Select(c => Of(c, "heavy")))
            .Concat(customers.Where(c => c.OwnDevices.Count(active.Contains) >= 3).Take(60).Select(c => Of(c, "multi-device")))
            .Concat(customers.Where(c => c.SharedDevice is not null).Take(60).Select(c => Of(c, "shared-device")))
            .ToList();
    }
}
