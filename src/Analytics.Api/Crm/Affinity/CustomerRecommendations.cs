using System.Text.Json.Serialization;
using Analytics.Reports.Filters;
using Analytics.Sites;
using Analytics.Storage;

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
/// Computes a customer's recommendations from the site's baskets and catalog of the view's period: cross-sell by expected
/// lift over the products they bought, up-sell from the products they viewed.
/// </summary>
public sealed class CustomerRecommendations(IClickHouse clickHouse)
{
    public const int MaxCrossSell = 5;

    /// <param name="orderIds">The customer's orders that are not returned (of the view, CRM and tracker).</param>
    /// <param name="visitors">The customer's linked devices: their product views are the customer's.</param>
    public async Task<Recommendations> ForAsync(Site site, IReadOnlyList<string> orderIds, IReadOnlyList<string> visitors,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var boughtTask = orderIds.Count == 0 ? Task.FromResult(new List<SkuRow>())
            : clickHouse.QueryListAsync(RecommendationSql.OrderSkus(site.Id, orderIds), RecommendationRows.Default.SkuRow, ct);
        var viewedTask = visitors.Count == 0 ? Task.FromResult(new List<SkuRow>())
            : clickHouse.QueryListAsync(RecommendationSql.ViewedSkus(site.Id, visitors), RecommendationRows.Default.SkuRow, ct);
        await Task.WhenAll(boughtTask, viewedTask);
        var bought = boughtTask.Result.Select(r => r.Sku).ToList();
        var viewed = viewedTask.Result.Select(r => r.Sku).ToList();
        var countsTask = bought.Count == 0 ? Task.FromResult(new List<AffinityCountRow>())
            : clickHouse.QueryListAsync(AffinitySql.BasketCounts(AffinitySql.Baskets(new ReportScope(site, TimeZoneInfo.Utc, from, to, null, null, [])), bought, 0),
                AffinityRows.Default.AffinityCountRow, ct);
        var catalogTask = viewed.Count == 0 ? Task.FromResult(new List<CatalogProduct>())
            : clickHouse.QueryListAsync(RecommendationSql.CategoriesOf(site.Id, from, to, viewed), RecommendationRows.Default.CatalogProduct, ct);
        await Task.WhenAll(countsTask, catalogTask);
        var counts = countsTask.Result;
        var baskets = counts.Where(r => r.Kind == "all").Sum(r => r.Units);
        var items = counts.Where(r => r.Kind == "item").ToDictionary(r => r.Other, r => r.Units);
        var pairs = counts.Where(r => r.Kind == "pair").Select(r => (r.Product, r.Other, r.Units)).ToList();
        return new Recommendations(Recommend.CrossSell(bought, baskets, items, pairs, MaxCrossSell), Recommend.UpSell(viewed, catalogTask.Result));
    }
}

/// <summary>The pure rules of the recommendations.</summary>
public static class Recommend
{
    /// <summary>
    /// Products not bought, by expected lift: the mean over the distinct bought products A of lift(A → B) in the baskets
    /// (<see cref="AffinityMeasures"/>), 0 where A and B were never bought together; only products with some lift; ties
    /// by sku (ordinal).
    /// </summary>
    public static List<CrossSell> CrossSell(IReadOnlyCollection<string> bought, long baskets, IReadOnlyDictionary<string, long> withProduct,
        IEnumerable<(string Product, string Other, long Both)> pairs, int limit)
    {
        var owned = bought.ToHashSet(StringComparer.Ordinal);
        if (owned.Count == 0 || baskets <= 0) return [];
        return pairs.Where(p => owned.Contains(p.Product) && !owned.Contains(p.Other) && p.Both > 0
                && withProduct.GetValueOrDefault(p.Product) > 0 && withProduct.GetValueOrDefault(p.Other) > 0)
            .Select(p => (p.Other, p.Product, Lift: (double)p.Both * baskets / ((double)withProduct[p.Product] * withProduct[p.Other])))
            .GroupBy(p => p.Other)
            .Select(g => new CrossSell(g.Key, Math.Round(g.Sum(p => p.Lift) / owned.Count, 4), g.Select(p => p.Product).Order(StringComparer.Ordinal).ToList()))
            .OrderByDescending(c => c.ExpectedLift).ThenBy(c => c.Sku, StringComparer.Ordinal).Take(limit).ToList();
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

[JsonSerializable(typeof(SkuRow))]
[JsonSerializable(typeof(CatalogProduct))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class RecommendationRows : JsonSerializerContext;
