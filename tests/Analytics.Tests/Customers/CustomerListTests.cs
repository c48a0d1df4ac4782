using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Crm.CrmClient;

namespace Analytics.Tests.Customers;

/// <summary>GET /api/customers on both engines: generated customers and orders, the expected list computed here from the rules.</summary>
public abstract class CustomerListTests(ApiFactory api)
{
    sealed record Planned(string Id, string Name, string Email, string Segment, bool InCrm);

    [Fact]
    public async Task The_list_is_sorted_by_lifetime_revenue_classed_by_the_period_searchable_filterable_and_paged()
    {
        var (key, _) = await NewSiteAsync(api);
        var random = new Random(18);
        var now = DateTimeOffset.UtcNow;
        string[] names = ["Anna", "Anton", "Berta", "bernd", "Carla", "Dieter"], segments = ["vip", "retail", ""];
        var customers = Enumerable.Range(0, 30).Select(i => new Planned($"K{i:D2}", $"{names[i % names.Length]} {i}", $"{names[i % names.Length].ToLowerInvariant()}{i}@Example.com",
            segments[i % 3], InCrm: i % 10 != 9)).ToList();
        var orders = new List<(string Id, string Customer, DateTimeOffset Ts, double Revenue, bool Returned)>();
        foreach (var c in customers.Where((_, i) => i % 7 != 6)) // some customers never ordered
            for (var k = 0; k < random.Next(1, 4); k++)
                orders.Add(($"{c.Id}-{k}", c.Id, now.AddDays(-random.Next(1, 700)), random.Next(5, 500), random.Next(8) == 0));
        await ImportAsync(api, "customers", key, Json(customers.Where(c => c.InCrm).Select(c => (object)new { customer_id = c.Id, name = c.Name, email = c.Email, segment = c.Segment }).ToArray()),
            "application/json");
        await ImportAsync(api, "orders", key, Json(orders.Select(o => (object)new { order_id = o.Id, customer_id = o.Customer, ts = o.Ts.ToUnixTimeMilliseconds(), revenue = o.Revenue,
            currency = "EUR", status = o.Returned ? "returned" : "paid" }).ToArray()), "application/json");

        // The rules: lifetime revenue and orders of the non-returned orders; class by the revenue of the last 12 months.
        var from = now.AddMonths(-12);
        var lifetime = customers.ToDictionary(c => c.Id, c => orders.Where(o => o.Customer == c.Id && !o.Returned).Sum(o => o.Revenue));
        var count = customers.ToDictionary(c => c.Id, c => orders.Count(o => o.Customer == c.Id && !o.Returned));
        var period = customers.ToDictionary(c => c.Id, c => orders.Where(o => o.Customer == c.Id && !o.Returned && o.Ts >= from).Sum(o => o.Revenue));
        var total = period.Values.Sum();
        string ClassOf(string id) => period[id] <= 0 ? "C"
            : period.Values.Where(v => v > period[id]).Sum() is var above && above < 0.8 * total ? "A" : above < 0.95 * total ? "B" : "C";
        var listed = customers.Where(c => c.InCrm || orders.Any(o => o.Customer == c.Id))
            .OrderByDescending(c => lifetime[c.Id]).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();

        async Task<JsonElement> List(string query)
        {
            var response = await api.Admin().GetAsync($"/api/customers?site={key}&{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        static List<string> Ids(JsonElement list) => list.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customer_id").GetString()!).ToList();

        var all = await List("page_size=200");
        Assert.Equal(listed.Count, all.GetProperty("total").GetInt64());
        Assert.Equal(listed.Select(c => c.Id), Ids(all));
        foreach (var row in all.GetProperty("customers").EnumerateArray())
        {
            var id = row.GetProperty("customer_id").GetString()!;
            Assert.Equal(lifetime[id], row.GetProperty("revenue").GetDouble());
            Assert.Equal(count[id], row.GetProperty("orders").GetInt64());
            Assert.Equal(ClassOf(id), row.GetProperty("class").GetString());
            Assert.Equal(lifetime[id], row.GetProperty("clv_historic").GetDouble());
            var first = orders.Where(o => o.Customer == id && !o.Returned).Select(o => o.Ts).DefaultIfEmpty(now).Min();
            var years = Math.Max(1, (now - first).TotalDays / 365.25);
            Assert.Equal(lifetime[id] * 3 / years, row.GetProperty("clv_predicted").GetDouble(), 1);
        }
        Assert.Contains(listed, c => !c.InCrm);
        Assert.Contains(all.GetProperty("customers").EnumerateArray(), r => r.GetProperty("class").GetString() == "B");

        Assert.Equal(listed.Skip(10).Take(10).Select(c => c.Id), Ids(await List("page=2&page_size=10")));
        // Prefix of id, name or email, any case; "an" is a prefix of Anna and Anton, not of "Dieter Ann…".
        bool Matches(Planned c, string q) => new[] { c.Id, c.InCrm ? c.Name : "", c.InCrm ? c.Email : "" }.Any(f => f.StartsWith(q, StringComparison.OrdinalIgnoreCase));
        foreach (var q in new[] { "an", "BER", "k0", "carla2" })
            Assert.Equal(listed.Where(c => Matches(c, q)).Select(c => c.Id), Ids(await List($"page_size=200&q={q}")));
        Assert.Equal(listed.Where(c => c.InCrm && c.Segment == "vip").Select(c => c.Id), Ids(await List("page_size=200&segment=vip")));
        Assert.Equal(listed.Where(c => ClassOf(c.Id) == "A").Select(c => c.Id), Ids(await List("page_size=200&class=a")));

        foreach (var (query, field) in new[] { ("page_size=201", "page_size"), ("page=x", "page"), ("class=D", "class"), ("to=2020-13-01", "to") })
        {
            var bad = await api.Admin().GetAsync($"/api/customers?site={key}&{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            Assert.Equal(field, (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }
}

public sealed class CustomerListTestsEmbedded(EmbeddedApi api) : CustomerListTests(api), IClassFixture<EmbeddedApi>;
public sealed class CustomerListTestsServer(ServerApi api) : CustomerListTests(api), IClassFixture<ServerApi>;
