using Analytics.Demo;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Bench;

/// <summary>
/// The pieces of generated shop traffic the <c>sessions</c> and <c>customers</c> modes share: a visitor's device,
/// a session's channel, an event's type and page, all drawn from one seeded <see cref="Random"/> (same seed, same
/// traffic).
/// </summary>
sealed class ShopTraffic(Random random)
{
    static readonly string[] Channels = ["direct", "organic_search", "paid_search", "social", "email", "referral"];
    static readonly string[] Campaigns = ["autumn", "brand", "retarget"];
    static readonly string[] Devices = ["desktop", "mobile", "tablet"];
    static readonly string[] Browsers = ["Chrome", "Firefox", "Safari", "Edge"];
    static readonly string[] Countries = ["DE", "FR", "US", "NL", "AT", "CH"];

    public Random Random => random;

    /// <summary>A new visitor (device) on <paramref name="row"/>: its id, device, browser, OS and country.</summary>
    public void Visitor(EventRow row, string vid)
    {
        row.Vid = vid;
        row.Device = Devices[random.Next(Devices.Length)];
        row.Browser = Browsers[random.Next(Browsers.Length)];
        row.Os = row.Device == "desktop" ? "Windows" : "Android";
        row.Country = Countries[random.Next(Countries.Length)];
    }

    /// <summary>A new session on <paramref name="row"/>: the channel, source and campaign its events carry.</summary>
    public void Session(EventRow row)
    {
        row.Channel = Channels[random.Next(Channels.Length)];
        row.Source = row.Channel + ".example";
        row.UtmCampaign = random.Next(4) == 0 ? Campaigns[random.Next(Campaigns.Length)] : "";
    }

    /// <summary>
    /// The <paramref name="index"/>-th event of a session at <paramref name="tsMs"/>: mostly pageviews, some clicks,
    /// product views (props id, price and category, as the tracker sends them) and purchases, 1 % bots.
    /// </summary>
    public void Event(EventRow row, int index, long tsMs)
    {
        row.EventId = Guid.NewGuid();
        row.TsMs = tsMs;
        row.Type = index == 0 || random.Next(4) > 0 ? "pageview" : random.Next(20) == 0 ? "purchase" : random.Next(2) == 0 ? "product_view" : "click";
        row.Path = $"/p/{random.Next(2000)}";
        row.IsBot = random.Next(100) == 0;
        row.PropsKeys.Clear();
        row.PropsValues.Clear();
        if (row.Type == "product_view") Product(row, random.Next(Products));
    }

    /// <summary>The number of products (skus S0 … S4999) of the shop, in orders and product views alike.</summary>
    public const int Products = ShopCatalogue.Products;

    static void Product(EventRow row, int sku)
    {
        var (category, price) = ShopCatalogue.Catalogue(sku);
        row.PropsKeys.AddRange(["id", "price", "category"]);
        row.PropsValues.AddRange([$"S{sku}", price.ToString(System.Globalization.CultureInfo.InvariantCulture), category]);
    }
}

/// <summary>Rows of one table encoded with RowBinary and inserted <paramref name="rowsPerInsert"/> at a time.</summary>
sealed class RowBinaryInserts(IClickHouse clickHouse, string table, IReadOnlyList<string> columns, int rowsPerInsert = 100_000) : IDisposable
{
    readonly RowBinaryWriter writer = new(64 << 20);
    int pending;

    public long Rows { get; private set; }
    public RowBinaryWriter Writer => writer;

    /// <summary>Counts a row just written to <see cref="Writer"/>; inserts the batch once it is full.</summary>
    public async ValueTask RowWrittenAsync()
    {
        Rows++;
        if (++pending >= rowsPerInsert) await FlushAsync();
    }

    public async ValueTask FlushAsync()
    {
        if (pending == 0) return;
        await clickHouse.InsertRowBinaryAsync(table, columns, writer.Written);
        writer.Clear();
        pending = 0;
    }

    public void Dispose() => writer.Dispose();
}
