using System.Text.Json.Serialization;
using Analytics.Reports.Filters;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Affinity;

/// <summary>The <c>recommendations</c> of the 360-degree view (docs/crm-analytics.md "Recommendations for one customer").</summary>
public sealed record Recommendations(IReadOnlyList<CrossSell> CrossSell, IReadOnlyList<UpSell> UpSell);

/// <summary>A product the customer has not bought, by the mean lift from the products they bought (<c>because</c>: those with lift above 0).</summary>
public sealed record CrossSell(string Sku, double ExpectedLift, IReadOnlyList<string> Because);

/// <summary>For a product the customer viewed, the next higher-priced product of its category.</summary>
public sealed record UpSell(string Viewed, string Category, double ViewedPrice, string Sku, double Price);

/// <summary>A product as the catalog knows it: its latest price and latest non-empty category (<see cref="RecommendationSql.Catalog"/>).</summary>
public sealed record CatalogProduct(string Sku, double Price, string Category);

/// <summary>
/// A site's baskets of a period as an index: how many baskets there are (orders not returned with at least one SKU, as
/// <see cref="AffinitySql.BasketCounts"/> counts them), which baskets hold each SKU, and the SKUs of each basket, so a
/// customer's cross-sell takes no query. SKUs are numbered: a heavy buyer's products reach most baskets, and counting
/// their pairs through one dictionary per product and a grouping of every pair took ~400 ms a view at 536 k orders.
/// </summary>
public sealed class BasketIndex
{
    readonly string[] skus;
    readonly Dictionary<string, int> idOf = new(StringComparer.Ordinal);
    readonly int[][] skusOf;
    readonly int[][] basketsWith;

    public BasketIndex(IEnumerable<IReadOnlyList<string>> baskets)
    {
        var names = new List<string>();
        int Id(string sku)
        {
            if (idOf.TryGetValue(sku, out var id)) return id;
            idOf[sku] = names.Count;
            names.Add(sku);
            return names.Count - 1;
        }
        skusOf = baskets.Select(b => b.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).Select(Id).ToArray()).Where(b => b.Length > 0).ToArray();
        skus = [.. names];
        var counts = new int[skus.Length];
        foreach (var basket in skusOf) foreach (var sku in basket) counts[sku]++;
        basketsWith = counts.Select(n => new int[n]).ToArray();
        Array.Clear(counts);
        for (var i = 0; i < skusOf.Length; i++) foreach (var sku in skusOf[i]) basketsWith[sku][counts[sku]++] = i;
    }

    public long Baskets => skusOf.Length;

    /// <summary>
    /// Products not bought, by expected lift: the mean over the distinct bought products A of lift(A → B) in the baskets
    /// (<see cref="AffinityMeasures"/>: both × baskets / (with A × with B)), 0 where A and B were never bought together;
    /// only products with some lift, rounded to 4 places; ties by sku (ordinal). <c>Because</c>: the bought products
    /// ever in a basket with it.
    /// </summary>
    public List<CrossSell> CrossSell(IEnumerable<string> bought, int limit)
    {
        var owned = bought.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (owned.Count == 0 || skusOf.Length == 0) return [];
        var ownedIds = owned.Where(idOf.ContainsKey).Select(s => idOf[s]).ToList();
        var isOwned = new bool[skus.Length];
        foreach (var a in ownedIds) isOwned[a] = true;
        var lift = new double[skus.Length];
        var both = new int[skus.Length];
        var touched = new List<int>();
        foreach (var a in ownedIds)
        {
            foreach (var basket in basketsWith[a])
                foreach (var b in skusOf[basket])
                    if (!isOwned[b] && both[b]++ == 0) touched.Add(b);
            foreach (var b in touched)
            {
                lift[b] += (double)both[b] * skusOf.Length / ((double)basketsWith[a].Length * basketsWith[b].Length);
                both[b] = 0;
            }
            touched.Clear();
        }
        return Enumerable.Range(0, skus.Length).Where(b => lift[b] > 0)
            .Select(b => (Id: b, Lift: Math.Round(lift[b] / owned.Count, 4)))
            .OrderByDescending(c => c.Lift).ThenBy(c => skus[c.Id], StringComparer.Ordinal).Take(limit)
            .Select(c => new CrossSell(skus[c.Id], c.Lift, Because(c.Id, isOwned)))
            .ToList();
    }

    List<string> Because(int product, bool[] isOwned) => basketsWith[product].SelectMany(i => skusOf[i]).Where(a => isOwned[a]).Distinct()
        .Select(a => skus[a]).Order(StringComparer.Ordinal).ToList();
}

/// <summary>What a customer's recommendations read of the whole site for a period: its baskets and its catalog.</summary>
public sealed record ShoppingFigures(BasketIndex Baskets, IReadOnlyList<CatalogProduct> Catalog);

/// <summary>
/// Computes a customer's recommendations: cross-sell by expected lift over the products they bought, up-sell from the
/// products they viewed. The site's baskets and catalog of the view's period are read once and kept
/// <see cref="Customers.CustomerOptions.AbcCacheSeconds"/> as <see cref="SiteFigures{TKey,TValue}"/>, like the A/B/C
/// ranking (scanning a year of purchases and product views takes seconds); only the customer's own products are read
/// per view.
/// </summary>
public sealed class CustomerRecommendations
{
    public const int MaxCrossSell = 5;
    readonly IClickHouse clickHouse;
    readonly IOptions<Customers.CustomerOptions> options;
    readonly SiteFigures<(string Site, DateTimeOffset? From, DateTimeOffset? To), ShoppingFigures> figures;

    public CustomerRecommendations(IClickHouse clickHouse, IOptions<Customers.CustomerOptions> options)
    {
        (this.clickHouse, this.options) = (clickHouse, options);
        figures = new(() => TimeSpan.FromSeconds(options.Value.AbcCacheSeconds), ReadAsync);
    }

    /// <summary>The SKUs of the CRM's items of these orders (the customer's CRM orders that are not returned).</summary>
    public async Task<List<string>> CrmItemsAsync(string site, IReadOnlyList<string> crmOrderIds, CancellationToken ct) => crmOrderIds.Count == 0 ? []
        : (await clickHouse.QueryListAsync(RecommendationSql.OrderSkus(site, crmOrderIds), RecommendationRows.Default.SkuRow, ct)).Select(r => r.Sku).ToList();

    /// <param name="bought">The SKUs of the customer's orders that are not returned: the CRM's items of its CRM orders
    /// (<see cref="CrmItemsAsync"/>) and those of its other orders' first purchase events (<see cref="Customers.DeviceEvents.ItemSkus"/>).</param>
    /// <param name="viewed">The products the customer's devices viewed, the latest first (<see cref="Customers.DeviceEvents.Viewed"/>).</param>
    /// <param name="defaultPeriod">The view's period is the default one (the last months up to now): one entry per site.</param>
    public async Task<Recommendations> ForAsync(Site site, IEnumerable<string> bought, IReadOnlyList<string> viewed,
        DateTimeOffset from, DateTimeOffset to, bool defaultPeriod, CancellationToken ct)
    {
        var owned = bought.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (owned.Count == 0 && viewed.Count == 0) return new Recommendations([], []);
        var shopping = await figures.GetAsync(defaultPeriod ? (site.Id, null, null) : (site.Id, from, to), ct);
        var baskets = shopping.Baskets;
        return new Recommendations(baskets.CrossSell(owned, MaxCrossSell),
            Recommend.UpSell(viewed, Recommend.CategoriesOf(viewed, shopping.Catalog)));
    }

    async Task<ShoppingFigures> ReadAsync((string Site, DateTimeOffset? From, DateTimeOffset? To) key)
    {
        var to = key.To ?? DateTimeOffset.UtcNow;
        var from = key.From ?? to.AddMonths(-options.Value.AbcMonths);
        var scope = new ReportScope(new Site(key.Site, "", "", [], "UTC", 0, DateTimeOffset.UnixEpoch), TimeZoneInfo.Utc, from, to, null, null, []);
        var basketsTask = clickHouse.QueryListAsync(AffinitySql.Baskets(scope), RecommendationRows.Default.BasketRow, CancellationToken.None);
        var catalogTask = clickHouse.QueryListAsync(RecommendationSql.Catalog(key.Site, from, to), RecommendationRows.Default.CatalogProduct, CancellationToken.None);
        await Task.WhenAll(basketsTask, catalogTask);
        return new ShoppingFigures(new BasketIndex(basketsTask.Result.Select(b => b.Skus)), catalogTask.Result);
    }
}

/// <summary>The pure rules of the recommendations.</summary>
public static class Recommend
{
    /// <summary>The catalog's products in the categories of the viewed products (the viewed ones included).</summary>
    public static List<CatalogProduct> CategoriesOf(IEnumerable<string> viewed, IReadOnlyList<CatalogProduct> catalog)
    {
        var seen = viewed.ToHashSet(StringComparer.Ordinal);
        var categories = catalog.Where(p => seen.Contains(p.Sku) && p.Category.Length > 0).Select(p => p.Category).ToHashSet(StringComparer.Ordinal);
        return catalog.Where(p => p.Category.Length > 0 && categories.Contains(p.Category)).ToList();
    }

    /// <summary>
    /// Per viewed product with a price and a category, the product of that category with the least price above it (ties by
    /// sku, ordinal); viewed products without a higher one are left out. In the order of <paramref name="viewed"/>.
    /// </summary>
    public static List<UpSell> UpSell(IEnumerable<string> viewed, IReadOnlyList<CatalogProduct> catalog)
    {
        var bySku = catalog.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var result = new List<UpSell>();
        foreach (var sku in viewed.Distinct(StringComparer.Ordinal))
        {
            if (!bySku.TryGetValue(sku, out var product) || product.Category.Length == 0 || product.Price <= 0) continue;
            var next = catalog.Where(p => p.Category == product.Category && p.Price > product.Price)
                .OrderBy(p => p.Price).ThenBy(p => p.Sku, StringComparer.Ordinal).FirstOrDefault();
            if (next is not null) result.Add(new UpSell(sku, product.Category, product.Price, next.Sku, next.Price));
        }
        return result;
    }
}

public sealed record SkuRow(string Sku);
public sealed record BasketRow(string OrderId, List<string> Skus);

[JsonSerializable(typeof(SkuRow))]
[JsonSerializable(typeof(BasketRow))]
[JsonSerializable(typeof(CatalogProduct))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class RecommendationRows : JsonSerializerContext;
