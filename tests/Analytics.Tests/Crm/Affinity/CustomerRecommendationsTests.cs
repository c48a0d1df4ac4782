using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Crm.Affinity;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Reports;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Crm.Affinity;

/// <summary>
/// The <c>recommendations</c> of the 360-degree view on both engines over <see cref="AffinityData"/>: cross-sell by
/// expected lift without the products already bought, up-sell to the next higher price of the category, computed here.
/// </summary>
public abstract class CustomerRecommendationsTests(ApiFactory api)
{
    const string Period = "from=2026-03-31T22:00:00Z&to=2026-04-30T22:00:00Z";

    [Fact]
    public async Task A_customer_gets_products_not_bought_by_expected_lift_and_the_next_higher_price_of_the_categories_viewed()
    {
        var (key, id) = await AudienceReportsTests.BerlinSiteAsync(api, "recommend" + Guid.NewGuid().ToString("N")[..8]);
        var data = AffinityData.Generate(id);
        // A later view changes P3's price: the latest price is the product's price.
        var repriced = data.Events.First(e => e.Type == "product_view" && e.PropsValues[0] == "P3");
        var later = ReportData.Event(id, "repricer", DateTimeOffset.Parse("2026-04-28T12:00:17Z").ToUnixTimeMilliseconds(), "product_view", "/p", "DE", "desktop", "direct", true);
        (later.PropsKeys, later.PropsValues) = ([.. repriced.PropsKeys], ["P3", "Product P3", "50", "shoes"]);
        data.Events.Add(later);
        await SessionData.InsertAsync(api.ClickHouse, data.Events);
        await SessionData.InsertAsync(api.ClickHouse, data.Links);
        var imported = await api.Admin().PostAsync($"/api/crm/orders?site={key}", new StringContent(data.CrmOrdersJson(), Encoding.UTF8, "application/json"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());

        var baskets = data.Baskets(_ => true);
        var catalog = data.Catalog();
        Assert.Equal(50, catalog["P3"].Price);
        var checkedCrossSell = 0;
        var checkedUpSell = 0;
        foreach (var link in data.Links.Take(12))
        {
            var customer = link.CustomerId;
            var view = await AudienceReportsTests.GetAsync(api, $"/api/customers/{customer}?site={key}&{Period}");
            var recommendations = view.GetProperty("recommendations");

            var bought = data.Bought(customer);
            var expectedCross = AffinityData.Products.Select(p => p.Sku).Where(b => !bought.Contains(b)).Select(b =>
                {
                    var lifts = bought.Select(a =>
                    {
                        var both = baskets.Count(k => k.Contains(a) && k.Contains(b));
                        return both == 0 ? 0 : (double)both / baskets.Count(k => k.Contains(a)) / ((double)baskets.Count(k => k.Contains(b)) / baskets.Count);
                    }).ToList();
                    return (Sku: b, Lift: Math.Round(lifts.Sum() / bought.Count, 4));
                })
                .Where(c => c.Lift > 0).OrderByDescending(c => c.Lift).ThenBy(c => c.Sku, StringComparer.Ordinal).Take(CustomerRecommendations.MaxCrossSell).ToList();
            var crossSell = recommendations.GetProperty("cross_sell").EnumerateArray().ToList();
            Assert.Equal(expectedCross.Select(c => c.Sku), crossSell.Select(c => c.GetProperty("sku").GetString()));
            foreach (var (e, row) in expectedCross.Zip(crossSell)) Assert.Equal(e.Lift, row.GetProperty("expected_lift").GetDouble(), 4);
            Assert.DoesNotContain(crossSell, c => bought.Contains(c.GetProperty("sku").GetString()!));
            checkedCrossSell += expectedCross.Count;

            var viewed = data.Events.Where(e => e.Type == "product_view" && e.Vid == link.VisitorId)
                .GroupBy(e => e.PropsValues[0]).OrderByDescending(g => g.Max(e => e.TsMs)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key);
            var expectedUp = viewed.Where(catalog.ContainsKey).Select(v => (Viewed: v, Next: catalog.Where(p => p.Value.Category == catalog[v].Category && p.Value.Price > catalog[v].Price)
                    .OrderBy(p => p.Value.Price).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).FirstOrDefault()))
                .Where(u => u.Next is not null).ToList();
            var upSell = recommendations.GetProperty("up_sell").EnumerateArray().ToList();
            Assert.Equal(expectedUp.Select(u => $"{u.Viewed}>{u.Next}"), upSell.Select(u => $"{u.GetProperty("viewed").GetString()}>{u.GetProperty("sku").GetString()}"));
            foreach (var row in upSell)
                Assert.Equal(catalog[row.GetProperty("sku").GetString()!].Price, row.GetProperty("price").GetDouble(), 2);
            checkedUpSell += expectedUp.Count;
        }
        Assert.True(checkedCrossSell > 5 && checkedUpSell > 5, $"{checkedCrossSell} cross-sell and {checkedUpSell} up-sell rows checked");
    }

    [Fact]
    public void Up_sell_takes_the_least_higher_price_of_the_category_and_cross_sell_averages_lift_over_what_was_bought()
    {
        CatalogProduct[] catalog = [new("a", 10, "shoes"), new("b", 30, "shoes"), new("c", 20, "shoes"), new("d", 20, "bags"), new("e", 25, "bags"), new("f", 0, "shoes")];
        var up = Recommend.UpSell(["a", "c", "b", "d", "zz"], catalog);
        Assert.Equal(["a>c", "c>b", "d>e"], up.Select(u => $"{u.Viewed}>{u.Sku}"));

        // 10 baskets (and one without SKUs, not a basket): x in 4, y in 5, z in 2, w in 4; x&z 2 → lift 2.5; y&z 1 → lift 1;
        // x&y 2; y&w 1 → lift 0.5; x&w never. Expected lift: z (2.5 + 1) / 2 = 1.75, w (0 + 0.5) / 2 = 0.25; q, bought
        // only with w, none. v, bought but never in a basket, counts in the mean: z 3.5 / 3.
        string[][] baskets = [["x", "z"], ["x", "z", "y", "z"], ["x", "y"], ["x"], ["y", "w"], ["y"], ["y", ""], ["w"], ["w"], ["w", "q"], [""]];
        var index = new BasketIndex(baskets);
        Assert.Equal(10, index.Baskets);
        var cross = index.CrossSell(["x", "y", "x", ""], 5);
        Assert.Equal([("z", 1.75), ("w", 0.25)], cross.Select(c => (c.Sku, c.ExpectedLift)));
        Assert.Equal(["x", "y"], cross[0].Because);
        Assert.Equal(["y"], cross[1].Because);
        Assert.Equal([("z", 1.1667)], index.CrossSell(["x", "v", "y"], 1).Select(c => (c.Sku, c.ExpectedLift)));
        Assert.Empty(index.CrossSell(["v"], 5));
    }
}

public sealed class CustomerRecommendationsTestsEmbedded(EmbeddedApi api) : CustomerRecommendationsTests(api), IClassFixture<EmbeddedApi>;
public sealed class CustomerRecommendationsTestsServer(ServerApi api) : CustomerRecommendationsTests(api), IClassFixture<ServerApi>;
