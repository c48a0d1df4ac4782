using System.Globalization;

namespace Analytics.Demo;

/// <summary>A CRM order: who, when, how much; its items are drawn again from its own seed when it is written.</summary>
readonly record struct ShopOrder(int Customer, long TsMs, double Revenue, bool Returned, bool HasCost, int Items);

/// <summary>A CRM customer and the devices (visitor ids) known to be theirs.</summary>
sealed class ShopCustomer(int index, string id, string name, string email, string segment, long createdAtMs)
{
    public int Index => index;
    public string Id => id;
    public string Name => name;
    public string Email => email;
    public string Segment => segment;
    public long CreatedAtMs => createdAtMs;
    /// <summary>Visitor ids linked by the CRM import (<c>visitor_ids</c>), linked at <see cref="CreatedAtMs"/>.</summary>
    public List<string> CrmDevices { get; } = [];
    /// <summary>Visitor ids linked only by an identify event in their traffic (when they have any).</summary>
    public List<string> IdentifyDevices { get; } = [];
    /// <summary>A device of another customer (a household's computer), linked to this one too.</summary>
    public string? SharedDevice { get; set; }
    public List<int> Orders { get; } = [];
    public int Contacts { get; set; }
    public IEnumerable<string> OwnDevices => CrmDevices.Concat(IdentifyDevices);
}

/// <summary>
/// The CRM side of the <c>customers</c> bench and of the demo site, drawn from a fixed seed so that the loader (a child process) and the
/// bench see the same customers: 1–5 devices each (most 1–2), 1.5 % sharing a device with another customer,
/// orders over the last 3 years (most customers 1–3, a Zipf-like tail of heavy buyers, 4 % returned, 60 % with
/// cost of goods), and contacts (service, sales, complaints, campaigns).
/// </summary>
sealed class ShopCustomers
{
    public const int Seed = 1616;
    public const long Day = 86_400_000;
    static readonly string[] FirstNames = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Lena", "Max", "Marie", "Noah", "Paula", "Paul", "Sofia", "Tim", "Zoe", "Lukas"];
    static readonly string[] LastNames = ["Schmidt", "Meyer", "Weber", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Braun", "Zimmermann", "Hartmann", "Lange", "Krause", "Lehmann", "Martin"];
    static readonly string[] Segments = ["regular", "regular", "regular", "new", "vip", "b2b"];

    public List<ShopCustomer> Customers { get; } = [];
    public List<ShopOrder> Orders { get; } = [];
    public long EndMs { get; }
    public int Days { get; }
    public long WindowStartMs => EndMs - Days * Day;
    public int ContactCount { get; }

    public ShopCustomers(int customers, long endMs, int days)
    {
        EndMs = endMs;
        Days = days;
        var random = new Random(Seed);
        var device = 0;
        for (var i = 0; i < customers; i++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            // 3 % joined within the traffic's window (their anonymous visits come before the link), the rest over 3 years before.
            var created = random.Next(100) < 3 ? WindowStartMs + (long)(random.NextDouble() * days * Day) : endMs - (long)(random.NextDouble() * 3 * 365 * Day);
            var customer = new ShopCustomer(i, $"C{i:D6}", $"{first} {last}", $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}{i}@example.com",
                Segments[random.Next(Segments.Length)], created);
            var devices = random.Next(100) switch { < 55 => 1, < 83 => 2, < 93 => 3, < 98 => 4, _ => 5 };
            for (var d = 0; d < devices; d++)
                (random.Next(10) < 6 ? customer.CrmDevices : customer.IdentifyDevices).Add($"cv{device++:x7}");
            if (i > 0 && random.Next(1000) < 15 && Customers[i - 1].CrmDevices.Count > 0) customer.SharedDevice = Customers[i - 1].CrmDevices[0];
            var orders = OrderCount(random);
            for (var o = 0; o < orders; o++)
            {
                var ts = created + (long)(random.NextDouble() * (endMs - created - 3_600_000));
                var items = 1 + random.Next(4);
                var revenue = Math.Round(items * (9.99 + random.Next(120)), 2);
                customer.Orders.Add(Orders.Count);
                Orders.Add(new ShopOrder(i, ts, revenue, random.Next(100) < 4, random.Next(10) < 6, items));
            }
            customer.Contacts = random.Next(10) < 4 ? 0 : random.Next(1, 7);
            ContactCount += customer.Contacts;
            Customers.Add(customer);
        }
    }

    /// <summary>11 % none, 60 % 1–3, 25 % 4–16, 4 % heavy buyers with a Pareto tail (10 and more, up to 1 000): ~5 a customer.</summary>
    static int OrderCount(Random random) => random.Next(100) switch
    {
        < 11 => 0,
        < 71 => random.Next(1, 4),
        < 96 => random.Next(4, 17),
        _ => (int)Math.Min(1000, 10 / Math.Pow(1 - random.NextDouble(), 1 / 1.2)),
    };

    public static string OrderId(int order) => $"O{order:D7}";

    /// <summary>Customer <paramref name="i"/> as a JSON object of POST /api/crm/customers.</summary>
    public void WriteCustomer(TextWriter text, int i)
    {
        var c = Customers[i];
        var visitors = c.CrmDevices.Concat(c.SharedDevice is null ? [] : [c.SharedDevice]).Select(v => $"\"{v}\"");
        var consent = i % 3 != 0;
        text.Write($"{{\"customer_id\":\"{c.Id}\",\"email\":\"{c.Email}\",\"name\":\"{c.Name}\",\"segment\":\"{c.Segment}\",\"created_at\":{c.CreatedAtMs}," +
                   $"\"attributes\":{{\"tier\":\"t{i % 5}\",\"city\":\"City {i % 300}\"}},\"marketing_consent\":{(consent ? "true" : "false")},\"marketing_consent_at\":{c.CreatedAtMs}," +
                   $"\"visitor_ids\":[{string.Join(',', visitors)}]}}");
    }

    /// <summary>Order <paramref name="o"/> as a JSON object of POST /api/crm/orders; its items add up to its revenue.</summary>
    public void WriteOrder(TextWriter text, int o)
    {
        var order = Orders[o];
        var random = new Random(Seed ^ o);
        var items = new List<string>();
        var left = order.Revenue;
        var sku = random.Next(ShopCatalogue.Products);
        for (var k = 0; k < order.Items; k++)
        {
            var price = k == order.Items - 1 ? Math.Round(left, 2) : Math.Round(order.Revenue / order.Items, 2);
            left -= price;
            // Neighbouring skus are bought together now and then: the affinity report has pairs to find.
            if (k > 0) sku = random.Next(10) < 4 ? (sku + 1) % ShopCatalogue.Products : random.Next(ShopCatalogue.Products);
            items.Add(string.Create(CultureInfo.InvariantCulture,
                $"{{\"sku\":\"S{sku}\",\"name\":\"Product {sku}\",\"category\":\"{ShopCatalogue.Catalogue(sku).Category}\",\"quantity\":1,\"price\":{price}}}"));
        }
        var cost = order.HasCost ? string.Create(CultureInfo.InvariantCulture, $",\"cost_of_goods\":{Math.Round(order.Revenue * 0.55, 2)}") : "";
        text.Write(string.Create(CultureInfo.InvariantCulture,
            $"{{\"order_id\":\"{OrderId(o)}\",\"customer_id\":\"{Customers[order.Customer].Id}\",\"ts\":{order.TsMs},\"revenue\":{order.Revenue},\"currency\":\"EUR\"{cost}," +
            $"\"status\":\"{(order.Returned ? "returned" : "paid")}\",\"items\":[{string.Join(',', items)}]}}"));
    }

    /// <summary>
    /// Every customer's contacts as JSON objects of POST /api/crm/contacts: half service, a fifth sales and campaigns
    /// each, a tenth complaints (a third of them still open).
    /// </summary>
    public IEnumerable<string> ContactsJson()
    {
        var random = new Random(Seed + 1);
        string[] channels = ["email", "phone", "chat", "store", "letter", "ticket"];
        var n = 0;
        foreach (var c in Customers)
        {
            for (var k = 0; k < c.Contacts; k++, n++)
            {
                var ts = c.CreatedAtMs + (long)(random.NextDouble() * (EndMs - c.CreatedAtMs - 3_600_000));
                var kind = random.Next(10) switch { < 5 => "service", < 7 => "sales", < 9 => "campaign", _ => "complaint" };
                var outcome = kind == "complaint" ? (random.Next(3) == 0 ? "open" : "resolved") : kind == "campaign" ? "sent" : "done";
                var direction = kind == "campaign" || kind == "sales" ? "outbound" : "inbound";
                var cost = kind is "service" or "complaint" ? string.Create(CultureInfo.InvariantCulture, $",\"cost\":{2 + random.Next(40)}") : "";
                yield return $"{{\"contact_id\":\"K{n:D7}\",\"customer_id\":\"{c.Id}\",\"ts\":{ts},\"channel\":\"{channels[random.Next(channels.Length)]}\"," +
                             $"\"direction\":\"{direction}\",\"kind\":\"{kind}\",\"subject\":\"{kind} #{n}\",\"outcome\":\"{outcome}\"{cost}}}";
            }
        }
    }
}
