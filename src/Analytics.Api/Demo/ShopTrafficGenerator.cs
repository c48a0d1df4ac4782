using Analytics.Ingestion;

namespace Analytics.Demo;

/// <summary>Where <see cref="ShopTrafficGenerator"/> puts what it generates: the reports bench inserts rows, the demo imports events.</summary>
interface IShopTrafficSink
{
    /// <summary>One event; <paramref name="row"/> is reused for the next one, so take what is needed now.</summary>
    void Event(EventRow row);

    /// <summary>The shop identified <paramref name="vid"/> as <paramref name="customerId"/> (after its last session, at <paramref name="tsMs"/>).</summary>
    void Link(string vid, string customerId, long tsMs);

    /// <summary>A visitor's session ended: a place to hand over what was gathered.</summary>
    ValueTask SessionEndedAsync();
}

/// <summary>
/// A shop's traffic for the reports bench and the demo site: ~2 000 paths (home, 20
/// categories, products by a Zipf law, cart, checkout, thank-you, search, a few pages), visitors with 1–6 sessions
/// over the days (returning ones), each session from a channel (campaigns for paid, email and social), walking the
/// funnel home → category → product → cart → checkout → purchase with drop-offs, forms at checkout and newsletter,
/// and buyers identified as customers (a customer id per buyer, some with a second device). 1 % bots.
/// A buyer's customer id comes from <paramref name="customerIds"/> when given (the demo's CRM customers).
/// </summary>
sealed class ShopTrafficGenerator(string site, long startMs, int days, int seed = 17, Func<Random, string>? customerIds = null)
{
    const long Day = 86_400_000;
    public const int Products = 1_950;
    readonly Random random = new(seed);
    readonly double[] productCdf = ZipfCdf(Products, 1.07);

    readonly EventRow row = new() { Hostname = "shop.example", Origin = "import", ConsentAnalytics = true };
    string? secondDeviceOf; // the next visitor is another device of this customer
    public long Visitors { get; private set; }
    public long Linked { get; private set; }
    public long Purchases { get; private set; }

    static readonly (string Channel, string Source, string Medium, string[] Campaigns, int Weight)[] Channels =
    [
        ("direct", "", "", [], 25), ("organic_search", "google", "organic", [], 30), ("paid_search", "google", "cpc", ["brand", "generic", "shoes"], 12),
        ("social", "instagram", "social", ["spring", "influencer"], 10), ("email", "newsletter", "email", ["weekly", "winback", "black_friday"], 10),
        ("referral", "blog.example", "referral", [], 8), ("internal", "", "", [], 5),
    ];
    static readonly string[] Countries = ["DE", "DE", "DE", "AT", "CH", "FR", "NL", "US", "PL", "IT"];
    static readonly string[] Devices = ["desktop", "desktop", "mobile", "mobile", "mobile", "tablet"];
    static readonly string[] Browsers = ["Chrome", "Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"];
    static readonly string[] Languages = ["de-DE", "de-DE", "de-AT", "en-US", "fr-FR", "nl-NL"];
    static readonly string[] CheckoutFields = ["email", "name", "street", "zip", "city", "payment"];

    static double[] ZipfCdf(int n, double s)
    {
        var cdf = new double[n];
        double sum = 0;
        for (var k = 1; k <= n; k++) cdf[k - 1] = sum += 1 / Math.Pow(k, s);
        for (var k = 0; k < n; k++) cdf[k] /= sum;
        return cdf;
    }

    string Product()
    {
        var i = Array.BinarySearch(productCdf, random.NextDouble());
        return $"/p/{(i < 0 ? ~i : i) + 1}";
    }

    /// <summary>Generates visitors until <paramref name="total"/> events are written to <paramref name="sink"/>.</summary>
    public async Task GenerateAsync(IShopTrafficSink sink, long total)
    {
        row.SiteId = site;
        long written = 0;
        void Emit(string type, string path, long ts, string name = "", string[]? keys = null, string[]? values = null)
        {
            row.EventId = Guid.NewGuid();
            row.TsMs = ts;
            row.ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(ts);
            row.Type = type;
            row.Path = path;
            row.Url = "https://shop.example" + path;
            row.Name = name;
            row.PropsKeys = keys is null ? [] : [.. keys];
            row.PropsValues = values is null ? [] : [.. values];
            sink.Event(row);
            written++;
        }
        while (written < total)
        {
            var vid = $"v{Visitors++:x9}";
            row.Vid = vid;
            row.Device = Devices[random.Next(Devices.Length)];
            row.Browser = Browsers[random.Next(Browsers.Length)];
            row.Os = row.Device == "desktop" ? (random.Next(4) == 0 ? "Mac OS X" : "Windows") : random.Next(2) == 0 ? "iOS" : "Android";
            row.Screen = row.Device == "desktop" ? "1920x1080" : row.Device == "tablet" ? "1024x768" : "390x844";
            row.Country = Countries[random.Next(Countries.Length)];
            row.Lang = Languages[random.Next(Languages.Length)];
            row.IsBot = random.Next(100) == 0;
            row.ConsentMarketing = random.Next(3) > 0;
            var sessions = random.Next(100) switch { < 55 => 1, < 80 => 2, < 92 => 3, _ => random.Next(4, 7) };
            var t = startMs + (long)(random.NextDouble() * (days - 1) * Day);
            var customer = secondDeviceOf;
            secondDeviceOf = null;
            for (var s = 0; s < sessions && written < total; s++)
            {
                var next = s > 0 ? t + random.Next(1, 5) * Day / random.Next(1, 4) + random.Next(3_600_000) : t;
                if (next >= startMs + days * Day - 3_600_000) break; // t stays the last event's time: the link is made then
                t = next;
                var (channel, source, medium, campaigns, _) = PickChannel();
                string campaign = campaigns.Length > 0 ? campaigns[random.Next(campaigns.Length)] : "";
                (row.Channel, row.Source, row.UtmSource, row.UtmMedium, row.UtmCampaign) =
                    (channel, source, campaign.Length > 0 ? source : "", campaign.Length > 0 ? medium : "", campaign);
                row.Referrer = source.Length > 0 ? $"https://{source}.example/" : "";
                var bought = Session(ref t, Emit);
                if (bought)
                {
                    Purchases++;
                    customer ??= customerIds is null ? $"C{random.Next(1_000_000):D7}" : customerIds(random);
                    row.CustomerId = customer; // the shop identifies a buyer: later events carry the customer
                }
                await sink.SessionEndedAsync();
            }
            row.CustomerId = "";
            if (customer is not null)
            {
                Linked++;
                sink.Link(vid, customer, t);
                if (random.Next(5) == 0) secondDeviceOf = customer;
            }
        }
    }

    (string, string, string, string[], int) PickChannel()
    {
        var pick = random.Next(Channels.Sum(c => c.Weight));
        foreach (var c in Channels)
            if ((pick -= c.Weight) < 0) return c;
        return Channels[0];
    }

    delegate void EmitEvent(string type, string path, long ts, string name = "", string[]? keys = null, string[]? values = null);

    /// <summary>One session down the funnel with drop-offs; answers whether it ended in a purchase.</summary>
    bool Session(ref long t, EmitEvent emit)
    {
        long Next(ref long at) => at += random.Next(4_000, 90_000);
        var landing = random.Next(100);
        var path = landing < 35 ? "/" : landing < 55 ? $"/c/{random.Next(1, 21)}" : landing < 90 ? Product() : random.Next(2) == 0 ? "/search" : "/about";
        emit("pageview", path, Next(ref t));
        // Later events of the session are navigation inside the shop, as enrichment stores them.
        (row.Channel, row.Source, row.UtmSource, row.UtmMedium, row.UtmCampaign, row.Referrer) = ("internal", "", "", "", "", "https://shop.example/");
        if (random.Next(100) < 38) return false; // a bounce
        if (path == "/" || path == "/search" || path == "/about")
        {
            if (random.Next(100) < 35) return false;
            path = $"/c/{random.Next(1, 21)}";
            emit("pageview", path, Next(ref t));
        }
        if (path.StartsWith("/c/"))
        {
            if (random.Next(100) < 30) return false;
            emit("click", path, Next(ref t), "filter");
            path = Product();
            emit("pageview", path, Next(ref t));
        }
        for (var more = random.Next(4); more > 0; more--) emit("pageview", Product(), Next(ref t)); // browsing
        if (random.Next(100) < 10) emit("form_start", path, Next(ref t), "", ["form"], ["newsletter"]);
        if (random.Next(100) < 72) return false;
        emit("add_to_cart", path, Next(ref t));
        emit("pageview", "/cart", Next(ref t));
        if (random.Next(100) < 45) return false;
        emit("pageview", "/checkout", Next(ref t));
        emit("form_start", "/checkout", Next(ref t), "", ["form"], ["checkout"]);
        var fields = random.Next(100) < 70 ? CheckoutFields.Length : random.Next(1, CheckoutFields.Length);
        for (var f = 0; f < fields; f++)
            emit("form_field", "/checkout", Next(ref t), "", ["form", "field", "dwell_ms"], ["checkout", CheckoutFields[f], random.Next(800, 20_000).ToString()]);
        if (fields < CheckoutFields.Length)
        {
            emit("form_abandon", "/checkout", Next(ref t), "", ["form", "last_field"], ["checkout", CheckoutFields[fields - 1]]);
            return false;
        }
        emit("form_submit", "/checkout", Next(ref t), "", ["form"], ["checkout"]);
        emit("pageview", "/thank-you", Next(ref t));
        (row.OrderId, row.Revenue, row.Currency) = (Guid.NewGuid().ToString("N")[..12], Math.Round(15 + random.NextDouble() * random.NextDouble() * 400, 2), "EUR");
        emit("purchase", "/thank-you", t + 1);
        (row.OrderId, row.Revenue, row.Currency) = ("", 0, "");
        return true;
    }
}
