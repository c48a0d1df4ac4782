using System.Globalization;
using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Crm.CrmClient;

namespace Analytics.Tests.Crm;

/// <summary>
/// GET /api/reports/value and the 360-degree view's value over generated customers on both engines, each figure computed
/// in <see cref="ValueData"/> from the definitions; costs posted through POST /api/costs (JSON, CSV, and a second post
/// of some keys that replaces the first).
/// </summary>
public abstract class CustomerValueTests(ApiFactory api)
{
    const string Range = "from=2026-02-01&to=2026-03-31";
    static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-02-01T00:00:00Z", CultureInfo.InvariantCulture);
    static readonly DateTimeOffset To = DateTimeOffset.Parse("2026-04-01T00:00:00Z", CultureInfo.InvariantCulture);

    async Task<(string Key, ValueData Data)> SeedAsync()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var data = ValueData.Generate(siteId);
        // The shared device's sessions are the first touches of both its customers: the rule is exercised, not skipped.
        var sessions = Sessions.SessionData.Expected(data.Events, data.Links);
        foreach (var customer in new[] { "C00", "C01" })
            Assert.Equal("shared", sessions.Where(s => s.Person == customer).MinBy(s => s.StartMs)!.VisitorId);
        await Sessions.SessionData.InsertAsync(api.ClickHouse, data.Links);
        await Sessions.SessionData.InsertAsync(api.ClickHouse, data.Events);
        AssertImported(await ImportAsync(api, "orders", key, data.OrdersJson(), "application/json"));
        AssertImported(await ImportAsync(api, "contacts", key, data.ContactsJson(), "application/json"));
        // Two thirds of the costs as JSON, the rest as CSV; then a second post of every fifth key with another amount.
        var split = data.Costs.Count * 2 / 3;
        AssertImported(await PostCostsAsync(key, ValueData.CostsJson(data.Costs[..split]), "application/json"));
        AssertImported(await PostCostsAsync(key, ValueData.CostsCsv(data.Costs[split..]), "text/csv"));
        var replaced = data.Costs.Where((_, i) => i % 5 == 0).Select(c => c with { Amount = Math.Round(c.Amount / 3 + 7.5, 2) }).ToList();
        data.Costs.AddRange(replaced);
        AssertImported(await PostCostsAsync(key, ValueData.CostsJson(replaced), "application/json"));
        var stored = await QueryAsync(api, Sql.Query($"SELECT count() AS n, sum(cost) AS total FROM acquisition_costs FINAL WHERE site_id = {siteId}"));
        Assert.Equal(data.StoredCosts().Count(), Long(stored[0], "n"));
        Assert.Equal(data.StoredCosts().Sum(c => c.Amount), Double(stored[0], "total"), 6);
        return (key, data);
    }

    Task<JsonElement> PostCostsAsync(string key, string body, string contentType) =>
        Import.ImportClient.PostAsync(api, $"/api/costs?site={key}", Import.ImportClient.Text(body, contentType));

    static void AssertImported(JsonElement report)
    {
        Assert.Empty(report.GetProperty("rejected").EnumerateArray());
        Assert.Equal(Long(report, "rows_read"), Long(report, "upserted"));
    }

    async Task<JsonElement> GetAsync(string path) => await Reports.AudienceReportsTests.GetAsync(api, path);

    static void AssertCustomer(ValueData.Value expected, JsonElement row)
    {
        var id = expected.CustomerId;
        Assert.Equal(id, Str(row, "customer_id"));
        Assert.Equal((expected.Channel, expected.Campaign, expected.Acquired), (Str(row, "channel"), Str(row, "campaign"), row.GetProperty("acquired").GetBoolean()));
        Assert.Equal(expected.FirstOrder, row.GetProperty("first_order").ValueKind == JsonValueKind.Null ? null : row.GetProperty("first_order").GetDateTimeOffset());
        Assert.Equal((expected.Orders, expected.Contacts, expected.Complaints), (Long(row, "orders"), Long(row, "contacts"), Long(row, "complaints")));
        foreach (var (name, value) in new[]
        {
            ("revenue", expected.Revenue), ("cost_of_goods", expected.CostOfGoods), ("margin", expected.Margin),
            ("revenue_without_cost_of_goods", expected.RevenueWithoutCost), ("acquisition_cost", expected.AcquisitionCost),
            ("service_cost", expected.ServiceCost), ("contribution_margin", expected.Contribution),
        })
            Assert.True(Math.Abs(Double(row, name) - value) <= 0.011, $"{id} {name}: {Double(row, name)}, expected {value}");
    }

    [Fact]
    public async Task Each_customer_has_revenue_margin_acquisition_share_service_cost_and_contribution_margin_by_the_definitions()
    {
        var (key, data) = await SeedAsync();
        var expected = data.Expected(From, To);
        // The plan is what the test is about: customers acquired in the range share costs, others from before it have none.
        Assert.Contains(expected.Values, v => v.Acquired && v.AcquisitionCost > 0);
        Assert.Contains(expected.Values, v => !v.Acquired && v.Orders > 0);
        Assert.Contains(expected.Values, v => v.Complaints > 0 && v.ServiceCost > 0);
        Assert.Contains(expected.Values, v => v.Channel == "");

        var all = await GetAsync($"/api/reports/value?site={key}&{Range}&sort=customer_id&limit=1000");
        var rows = all.GetProperty("customers").EnumerateArray().ToList();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Select(r => Str(r, "customer_id")));
        foreach (var row in rows) AssertCustomer(expected[Str(row, "customer_id")], row);

        var totals = all.GetProperty("totals");
        Assert.Equal((expected.Count, expected.Values.Count(v => v.Acquired)), (Long(totals, "customers"), Long(totals, "new_customers")));
        Assert.Equal(expected.Values.Sum(v => v.Contribution), Double(totals, "contribution_margin"), 1);
        Assert.Equal(expected.Values.Sum(v => v.AcquisitionCost), Double(totals, "acquisition_cost"), 1);

        // A page of the default order: contribution margin, highest first.
        var page = await GetAsync($"/api/reports/value?site={key}&{Range}&limit=5&page=2");
        var order = expected.Values.OrderByDescending(v => Math.Round(v.Contribution, 6)).ThenBy(v => v.CustomerId, StringComparer.Ordinal).Select(v => v.CustomerId);
        Assert.Equal(order.Skip(5).Take(5), page.GetProperty("customers").EnumerateArray().Select(r => Str(r, "customer_id")));
        Assert.Equal(expected.Count, Long(page.GetProperty("totals"), "customers"));

        // A filter narrows the customers to those with a matching event in the range; their figures stay the same.
        var direct = data.Events.Where(e => e.Channel == "direct" && e.TsMs >= From.ToUnixTimeMilliseconds() && e.TsMs < To.ToUnixTimeMilliseconds())
            .Select(e => data.Links.Single(l => l.VisitorId == e.Vid).CustomerId).Where(expected.ContainsKey).ToHashSet();
        Assert.NotEmpty(direct);
        var filtered = (await GetAsync($"/api/reports/value?site={key}&{Range}&sort=customer_id&limit=1000&filter=channel:is:direct"))
            .GetProperty("customers").EnumerateArray().ToList();
        Assert.Equal(direct.Order(StringComparer.Ordinal), filtered.Select(r => Str(r, "customer_id")));
        foreach (var row in filtered) AssertCustomer(expected[Str(row, "customer_id")], row);

        // The 360-degree view: the value over all time.
        var lifetime = data.Expected(DateTimeOffset.UnixEpoch, DateTimeOffset.Parse("2100-01-01T00:00:00Z", CultureInfo.InvariantCulture));
        var viewed = lifetime.Values.Where(v => v.AcquisitionCost > 0).Take(3).Concat(lifetime.Values.Where(v => v.Channel == "").Take(1))
            .Concat(lifetime.Values.Where(v => v.RevenueWithoutCost > 0 && v.Complaints > 0).Take(1)).Select(v => v.CustomerId).Distinct().ToList();
        Assert.True(viewed.Count >= 4);
        foreach (var customer in viewed)
            AssertCustomer(lifetime[customer], (await GetAsync($"/api/customers/{customer}?site={key}")).GetProperty("value"));
    }

    [Fact]
    public async Task Groups_by_channel_campaign_and_class_sum_their_customers_and_the_csv_has_the_same_rows()
    {
        var (key, data) = await SeedAsync();
        var expected = data.Expected(From, To);

        foreach (var groupBy in new[] { "channel", "campaign" })
        {
            var answer = await GetAsync($"/api/reports/value?site={key}&{Range}&group_by={groupBy}");
            var groups = answer.GetProperty("groups").EnumerateArray().ToList();
            var planned = expected.Values.GroupBy(v => groupBy == "channel" ? (v.Channel, "") : (v.Channel, v.Campaign)).ToDictionary(g => g.Key);
            Assert.Equal(planned.Count, groups.Count);
            foreach (var group in groups)
            {
                var figures = group.GetProperty("figures");
                var members = planned[(Str(group, "channel"), groupBy == "campaign" ? Str(group, "campaign") : "")].ToList();
                Assert.Equal(members.Count, Long(figures, "customers"));
                Assert.Equal(members.Count(m => m.Acquired), Long(figures, "new_customers"));
                Assert.Equal(members.Sum(m => m.Contribution), Double(figures, "contribution_margin"), 1);
                Assert.Equal(members.Sum(m => m.AcquisitionCost), Double(figures, "acquisition_cost"), 1);
                Assert.Equal(Math.Round(members.Sum(m => m.Contribution) / members.Count, 2), Double(group, "contribution_margin_per_customer"), 1);
            }
        }

        // Classes by the A/B/C rule on the range's revenue (customers with positive revenue ranked; the rest C).
        var revenue = expected.Values.Where(v => v.Revenue > 0).ToDictionary(v => v.CustomerId, v => v.Revenue);
        var total = revenue.Values.Sum();
        string ClassOf(string c)
        {
            if (!revenue.TryGetValue(c, out var r)) return "C";
            var above = revenue.Values.Where(v => v > r).Sum();
            return above < 0.8 * total ? "A" : above < 0.95 * total ? "B" : "C";
        }
        var classes = (await GetAsync($"/api/reports/value?site={key}&{Range}&group_by=class")).GetProperty("groups").EnumerateArray()
            .ToDictionary(g => Str(g, "class"), g => g.GetProperty("figures"));
        foreach (var group in expected.Values.GroupBy(v => ClassOf(v.CustomerId)))
        {
            Assert.Equal(group.Count(), Long(classes[group.Key], "customers"));
            Assert.Equal(group.Sum(v => v.Margin), Double(classes[group.Key], "margin"), 1);
        }

        var csv = await api.Admin().GetStringAsync($"/api/reports/value?site={key}&{Range}&group_by=channel&format=csv");
        var lines = csv.TrimEnd().Split("\r\n");
        Assert.StartsWith("class,channel,campaign,customers,new_customers,orders,revenue,", lines[0]);
        Assert.Equal(expected.Values.Select(v => v.Channel).Distinct().Count(), lines.Length - 1);
        var customersCsv = (await api.Admin().GetStringAsync($"/api/reports/value?site={key}&{Range}&sort=customer_id&format=csv")).TrimEnd().Split("\r\n");
        Assert.StartsWith("customer_id,first_order,acquired,channel,campaign,orders,revenue,cost_of_goods,margin,", customersCsv[0]);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), customersCsv.Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public async Task Bad_parameters_are_refused_with_400_naming_the_parameter()
    {
        var (key, _) = await NewSiteAsync(api);
        foreach (var (query, field) in new[]
        {
            ("group_by=segment", "group_by"), ("sort=name", "sort"), ("order=up", "order"), ("limit=0", "limit"), ("limit=1001", "limit"),
            ("page=0", "page"), ("page=x", "page"), ("limit=1000&page=1002", "page"),
        })
        {
            var response = await api.Admin().GetAsync($"/api/reports/value?site={key}&{query}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {body}");
            Assert.Contains($"\"field\":\"{field}\"", body);
        }

        // A site without orders or contacts: zeros, no rows.
        var empty = await GetAsync($"/api/reports/value?site={key}");
        Assert.Equal(0, Long(empty.GetProperty("totals"), "customers"));
        Assert.Empty(empty.GetProperty("customers").EnumerateArray());
        Assert.Empty((await GetAsync($"/api/reports/value?site={key}&group_by=class")).GetProperty("groups").EnumerateArray());
        Assert.Equal(0, Long((await GetAsync($"/api/reports/frequency?site={key}")).GetProperty("all"), "customers"));
    }
}

public sealed class CustomerValueTestsEmbedded(EmbeddedApi api) : CustomerValueTests(api), IClassFixture<EmbeddedApi>;
public sealed class CustomerValueTestsServer(ServerApi api) : CustomerValueTests(api), IClassFixture<ServerApi>;
