using System.Net;
using System.Text;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Sessions;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Reports;
using Analytics.Tests.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Crm.Affinity;

/// <summary>
/// The affinity report on both engines over <see cref="AffinityData"/>: bought together and viewed-then-bought with
/// support, confidence and lift, the expected answers computed in the test from the definitions.
/// </summary>
public abstract class AffinityReportTests(ApiFactory api)
{
    /// <summary>After the traffic is inserted: the stored variant waits until the session refresh serves its days.</summary>
    protected virtual Task TrafficInsertedAsync(string siteId, IReadOnlyCollection<EventRow> events) => Task.CompletedTask;

    protected async Task<(string Key, string Id, AffinityData Data)> ShopAsync(string name)
    {
        var (key, id) = await AudienceReportsTests.BerlinSiteAsync(api, name + Guid.NewGuid().ToString("N")[..8]);
        var data = AffinityData.Generate(id);
        await StoredTraffic.InsertMarkedAsync(api.ClickHouse, data.Events);
        await SessionData.InsertAsync(api.ClickHouse, data.Links);
        var imported = await api.Admin().PostAsync($"/api/crm/orders?site={key}", new StringContent(data.CrmOrdersJson(), Encoding.UTF8, "application/json"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        await TrafficInsertedAsync(id, data.Events);
        return (key, id, data);
    }

    protected static void AssertRules(List<(string Product, string Other, long Count, double Support, double Confidence, double Lift)> expected, JsonElement actual, string what)
    {
        var ordered = expected.Select(r => (r.Product, r.Other, r.Count, Support: Math.Round(r.Support, 4), Confidence: Math.Round(r.Confidence, 4), Lift: Math.Round(r.Lift, 4)))
            .OrderByDescending(r => r.Lift).ThenByDescending(r => r.Support).ThenBy(r => r.Product, StringComparer.Ordinal).ThenBy(r => r.Other, StringComparer.Ordinal).ToList();
        var rows = actual.EnumerateArray().ToList();
        Assert.True(ordered.Count == rows.Count, $"{what}: expected {ordered.Count} rules, got {rows.Count}: {actual}");
        foreach (var (e, row) in ordered.Zip(rows))
        {
            Assert.True(e.Product == row.GetProperty("product").GetString() && e.Other == row.GetProperty("other").GetString() && e.Count == row.GetProperty("count").GetInt64(),
                $"{what}: expected {e}, got {row}");
            Assert.Equal(e.Support, row.GetProperty("support").GetDouble(), 4);
            Assert.Equal(e.Confidence, row.GetProperty("confidence").GetDouble(), 4);
            Assert.Equal(e.Lift, row.GetProperty("lift").GetDouble(), 4);
        }
    }

    protected static List<(string, string, long, double, double, double)> Together(List<List<string>> baskets, string? sku) =>
        AffinityData.Rules(baskets, (b, a) => b.Contains(a), (b, o) => b.Contains(o), (b, a, o) => b.Contains(a) && b.Contains(o), sku);

    protected static List<(string, string, long, double, double, double)> ViewedThenBought(List<AffinityData.ShoppingSession> sessions, string? sku) =>
        AffinityData.Rules(sessions, (s, a) => s.FirstView.ContainsKey(a), (s, o) => s.LastBuy.ContainsKey(o),
            (s, a, o) => s.FirstView.TryGetValue(a, out var viewed) && s.LastBuy.TryGetValue(o, out var bought) && bought > viewed, sku);

    [Theory]
    [InlineData("P2", "")]
    [InlineData("12", "")]
    [InlineData("P4", "device:is:mobile")]
    public async Task A_product_has_the_products_bought_with_it_and_after_viewing_it_with_support_confidence_and_lift(string sku, string filter)
    {
        var (key, _, data) = await ShopAsync("affinity");
        Func<EventRow, bool> match = filter.Length == 0 ? _ => true : e => e.Device == "mobile";
        var query = filter.Length == 0 ? "" : "&filter=" + Uri.EscapeDataString(filter);
        var answer = await AudienceReportsTests.GetAsync(api, $"/api/reports/affinity?site={key}&{AffinityData.Range}&sku={sku}&limit=1000{query}");

        var baskets = data.Baskets(match);
        var sessions = data.Sessions(match);
        Assert.Equal(baskets.Count, answer.GetProperty("baskets").GetInt64());
        Assert.Equal(sessions.Count, answer.GetProperty("sessions").GetInt64());
        var together = Together(baskets, sku);
        var viewed = ViewedThenBought(sessions, sku);
        Assert.NotEmpty(together);
        Assert.NotEmpty(viewed);
        AssertRules(together, answer.GetProperty("bought_together"), "bought_together");
        AssertRules(viewed, answer.GetProperty("viewed_then_bought"), "viewed_then_bought");

        var csv = (await api.Admin().GetStringAsync($"/api/reports/affinity?site={key}&{AffinityData.Range}&sku={sku}&limit=1000{query}&format=csv"))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("relation,product,other,count,support,confidence,lift", csv[0]);
        Assert.Equal(together.Count + viewed.Count, csv.Length - 1);
    }

    [Fact]
    public async Task Without_a_sku_the_pairs_reaching_the_minimum_support_come_by_lift_up_to_the_limit()
    {
        var (key, _, data) = await ShopAsync("affinity-pairs");
        var baskets = data.Baskets(_ => true);
        var sessions = data.Sessions(_ => true);
        const double minSupport = 0.03;
        var together = Together(baskets, null).Where(r => r.Item3 >= minSupport * baskets.Count).ToList();
        var viewed = ViewedThenBought(sessions, null).Where(r => r.Item3 >= minSupport * sessions.Count).ToList();
        var answer = await AudienceReportsTests.GetAsync(api, $"/api/reports/affinity?site={key}&{AffinityData.Range}&min_support=0.03&limit=1000");
        AssertRules(together, answer.GetProperty("bought_together"), "bought_together");
        AssertRules(viewed, answer.GetProperty("viewed_then_bought"), "viewed_then_bought");
        Assert.Contains(answer.GetProperty("bought_together").EnumerateArray(), r => r.GetProperty("product").GetString() == "12" || r.GetProperty("other").GetString() == "12");

        var limited = await AudienceReportsTests.GetAsync(api, $"/api/reports/affinity?site={key}&{AffinityData.Range}&min_support=0.03&limit=3");
        Assert.Equal(answer.GetProperty("bought_together").EnumerateArray().Take(3).Select(r => r.ToString()),
            limited.GetProperty("bought_together").EnumerateArray().Select(r => r.ToString()));
    }

    [Fact]
    public async Task A_view_after_the_purchase_or_in_another_session_does_not_count_as_viewed_then_bought()
    {
        var (key, id) = await AudienceReportsTests.BerlinSiteAsync(api, "affinity-order" + Guid.NewGuid().ToString("N")[..8]);
        var t = DateTimeOffset.Parse("2026-04-10T10:00:00Z").ToUnixTimeMilliseconds();
        EventRow View(string vid, long at, string product)
        {
            var e = ReportData.Event(id, vid, at, "product_view", "/p", "DE", "desktop", "direct", true);
            (e.PropsKeys, e.PropsValues) = (["id"], [product]);
            return e;
        }
        EventRow Buy(string vid, long at, string order, string product)
        {
            var e = ReportData.Event(id, vid, at, "purchase", "/thanks", "DE", "desktop", "direct", true);
            (e.OrderId, e.PropsKeys, e.PropsValues) = (order, ["items"], [$$"""[{"sku": "{{product}}", "quantity": 1}]"""]);
            return e;
        }
        const long minute = 60_000;
        List<EventRow> events =
        [
            View("before", t, "X"), Buy("before", t + minute, "o1", "Y"),                          // counts
            Buy("after", t, "o2", "Y"), View("after", t + minute, "X"),                            // the view follows the purchase
            View("apart", t, "X"), Buy("apart", t + 3 * 60 * minute, "o3", "Y"),                   // another session
        ];
        await StoredTraffic.InsertMarkedAsync(api.ClickHouse, events);
        await TrafficInsertedAsync(id, events);
        var answer = await AudienceReportsTests.GetAsync(api, $"/api/reports/affinity?site={key}&{AffinityData.Range}&sku=X");
        Assert.Equal(4, answer.GetProperty("sessions").GetInt64());
        var row = Assert.Single(answer.GetProperty("viewed_then_bought").EnumerateArray());
        Assert.Equal(("X", "Y", 1L), (row.GetProperty("product").GetString(), row.GetProperty("other").GetString(), row.GetProperty("count").GetInt64()));
        // 3 sessions viewed X, 3 bought Y, of 4: confidence 1/3, lift (1/3) / (3/4).
        Assert.Equal(0.25, row.GetProperty("support").GetDouble(), 4);
        Assert.Equal(Math.Round(1.0 / 3, 4), row.GetProperty("confidence").GetDouble(), 4);
        Assert.Equal(Math.Round(1.0 / 3 / 0.75, 4), row.GetProperty("lift").GetDouble(), 4);
        Assert.Empty(answer.GetProperty("bought_together").EnumerateArray());
    }

    [Theory]
    [InlineData("&sku=%20", "sku")]
    [InlineData("&min_support=2", "min_support")]
    [InlineData("&min_support=-0.1", "min_support")]
    [InlineData("&min_support=abc", "min_support")]
    [InlineData("&limit=0", "limit")]
    [InlineData("&limit=1001", "limit")]
    public async Task Bad_parameters_are_a_problem_naming_the_field(string parameters, string field)
    {
        var key = await api.CreateSiteAsync("affinity-bad.example");
        var response = await api.Admin().GetAsync($"/api/reports/affinity?site={key}{parameters}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, body);
    }
}

public sealed class AffinityReportTestsEmbedded(EmbeddedApi api) : AffinityReportTests(api), IClassFixture<EmbeddedApi>;
public sealed class AffinityReportTestsServer(ServerApi api) : AffinityReportTests(api), IClassFixture<ServerApi>;

/// <summary>
/// The same once the session refresh has stored the traffic's days, so that the report counts the whole days of its range
/// from their product views per day (<see cref="SessionProductViews"/>); and a day whose stored sessions an erasure
/// thinned is read from its sessions again.
/// </summary>
public abstract class StoredAffinityReportTests(ApiFactory api) : AffinityReportTests(api)
{
    protected override async Task TrafficInsertedAsync(string siteId, IReadOnlyCollection<EventRow> events)
    {
        await StoredTraffic.WaitUntilServedAsync(api.ClickHouse, siteId, events);
        Assert.NotEmpty(await CountedDaysAsync(siteId));
    }

    /// <summary>The days of the range the report takes from the product views per day.</summary>
    async Task<IReadOnlyCollection<DateOnly>> CountedDaysAsync(string siteId)
    {
        var source = api.Services.GetRequiredService<ISessionSource>();
        var views = api.Services.GetRequiredService<SessionProductViews>();
        var query = new SessionQuery(siteId, AffinityData.FromMs, AffinityData.ToMs, WithoutPerson: true, WithShopping: true);
        return (await source.SessionsLessDaysAsync(query, (candidates, ct) => views.CountedAsync(siteId, candidates, ct), CancellationToken.None)).Taken.Keys.ToList();
    }

    [Fact]
    public async Task A_day_whose_stored_sessions_were_erased_in_part_is_read_from_its_sessions()
    {
        var (key, id, data) = await ShopAsync("affinity-erased");
        var counted = await CountedDaysAsync(id);
        // A visitor with a purchase on a counted day, erased as an erasure does it (its rows deleted, no day marked).
        // One without a link or an order the CRM knows: those stay (the CRM owns them), which the test's baskets do not model.
        var erased = data.Events.First(e => e.Type == "purchase" && counted.Contains(DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(e.TsMs).UtcDateTime))
            && !data.Links.Any(l => l.VisitorId == e.Vid)
            && data.Events.Where(o => o.Vid == e.Vid && o.Type == "purchase").All(o => data.CrmOrders.All(c => c.OrderId != o.OrderId))).Vid;
        var erasedDays = data.Events.Where(e => e.Vid == erased).Select(e => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(e.TsMs).UtcDateTime)).ToHashSet();
        foreach (var (table, column) in new[] { ("events", "vid"), ("purchase_events", "vid"), ("sessions", "visitor_id") })
            await api.ClickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(table)} DELETE WHERE site_id = {id} AND {new SqlIdentifier(column)} = {erased}"));
        await Eventually.UntilAsync(async () => !(await CountedDaysAsync(id)).Any(erasedDays.Contains), TimeSpan.FromSeconds(60),
            "the erased visitor's days no longer counted from their product views");
        Assert.NotEmpty(await CountedDaysAsync(id));
        data.Events.RemoveAll(e => e.Vid == erased);

        foreach (var sku in new[] { "P2", "P4" })
        {
            var answer = await AudienceReportsTests.GetAsync(api, $"/api/reports/affinity?site={key}&{AffinityData.Range}&sku={sku}&limit=1000");
            var sessions = data.Sessions(_ => true);
            Assert.Equal(sessions.Count, answer.GetProperty("sessions").GetInt64());
            AssertRules(Together(data.Baskets(_ => true), sku), answer.GetProperty("bought_together"), "bought_together");
            AssertRules(ViewedThenBought(sessions, sku), answer.GetProperty("viewed_then_bought"), "viewed_then_bought");
        }
    }
}

public sealed class StoredAffinityReportTestsEmbedded(EmbeddedFastRefreshApi api) : StoredAffinityReportTests(api), IClassFixture<EmbeddedFastRefreshApi>;
public sealed class StoredAffinityReportTestsServer(ServerFastRefreshApi api) : StoredAffinityReportTests(api), IClassFixture<ServerFastRefreshApi>;
