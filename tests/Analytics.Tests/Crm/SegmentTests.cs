using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Reports;
using Analytics.Tests.Sites;
using static Analytics.Tests.Crm.SegmentTestData;

namespace Analytics.Tests.Crm;

/// <summary>
/// Segments on both engines: membership for each filter kind against the definitions computed here (the period is the
/// last 365 days; data keeps days away from every bound), paging and CSV, validation per field, and site membership.
/// </summary>
public abstract class SegmentTests(SegmentApi api)
{
    const int Customers = 24;
    static readonly TimeSpan Window = TimeSpan.FromHours(1);

    static string Id(int i) => $"M{i:00}";

    sealed record Data(
        DateTimeOffset Now, List<(string Customer, DateTimeOffset At, string Path, string Device)> Events,
        List<RfmSqlTests.PlannedOrder> Orders, HashSet<string> Consenting);

    async Task<(string Key, Data Data)> SeedAsync(string name)
    {
        var (key, site) = await AudienceReportsTests.BerlinSiteAsync(api, name);
        var now = DateTimeOffset.UtcNow;
        var events = new List<(string, DateTimeOffset, string, string)>();
        var orders = new List<RfmSqlTests.PlannedOrder>();
        var consenting = new HashSet<string>();
        for (var i = 0; i < Customers; i++)
        {
            var id = Id(i);
            var consent = i != Customers - 1; // the last one never agreed: held back
            if (consent) consenting.Add(id);
            await CustomerAsync(api, site, id, consent, now.AddDays(-200));
            await LinkAsync(api, site, id, now.AddDays(-300));
            events.Add((id, now.AddDays(-(i * 5 + 1.5)), "/", i % 3 == 0 ? "mobile" : "desktop"));
            if (i % 4 is 0 or 1)
            {
                var cart = now.AddDays(-20).AddMinutes(i);
                events.Add((id, cart, "/cart", "desktop"));
                // i % 8 == 0 checks out within the hour; i % 4 == 1 only two hours later (past the window); others never.
                if (i % 8 == 0) events.Add((id, cart.AddMinutes(5), "/checkout", "desktop"));
                if (i % 4 == 1) events.Add((id, cart.AddHours(2), "/checkout", "desktop"));
            }
            if (i % 2 == 0)
                for (var k = 0; k <= i % 3; k++)
                    orders.Add(new RfmSqlTests.PlannedOrder($"{name}-{i}-{k}", id, now.AddDays(-(10 + i * 7 + k * 3)), (i + 1) * 10 + k, false, "crm"));
        }
        foreach (var (customer, at, path, device) in events) await PageviewAsync(api, site, "v-" + customer, at, path, device);
        foreach (var o in orders) await OrderAsync(api, site, o.OrderId, o.Customer, o.Ts, o.Revenue);
        return (key, new Data(now, events, orders, consenting));
    }

    /// <summary>A/B/C by the rule: above = revenue of customers with strictly more; unranked (no revenue) = C.</summary>
    static string ClassOf(string customer, Dictionary<string, double> revenue)
    {
        if (!revenue.TryGetValue(customer, out var own)) return "C";
        var total = revenue.Values.Sum();
        var above = revenue.Values.Where(v => v > own).Sum();
        return above < 0.8 * total ? "A" : above < 0.95 * total ? "B" : "C";
    }

    [Fact]
    public async Task Each_filter_kind_selects_the_customers_its_definition_names_and_consent_holds_back_the_rest()
    {
        var (key, data) = await SeedAsync("segments");
        var everyone = Enumerable.Range(0, Customers).Select(Id).ToList();
        var revenue = data.Orders.GroupBy(o => o.Customer).ToDictionary(g => g.Key, g => g.Sum(o => o.Revenue));
        var rfm = RfmSqlTests.Expected(data.Orders, data.Now.AddDays(-365), data.Now);
        var lastSeen = data.Events.GroupBy(e => e.Customer).ToDictionary(g => g.Key, g => g.Max(e => e.At));
        bool Dropped(string c) =>
            data.Events.Any(e => e.Customer == c && e.Path == "/cart")
            && !data.Events.Any(cart => cart.Customer == c && cart.Path == "/cart"
                && data.Events.Any(next => next.Customer == c && next.Path == "/checkout" && next.At > cart.At && next.At <= cart.At + Window));
        var someSegment = rfm[Id(0)].Segment;
        var (before, after) = (data.Now.AddDays(-50), data.Now.AddDays(-100));

        var cases = new (string What, object Filters, Func<string, bool> Expected)[]
        {
            ("no filter", new { }, _ => true),
            ("events", new { events = new[] { "device:is:mobile" } }, c => data.Events.Any(e => e.Customer == c && e.Device == "mobile")),
            ("class A", new { @class = new[] { "A" } }, c => ClassOf(c, revenue) == "A"),
            ("class B or C", new { @class = new[] { "B", "C" } }, c => ClassOf(c, revenue) is "B" or "C"),
            ("rfm", new { rfm_segment = new[] { someSegment } }, c => rfm.TryGetValue(c, out var e) && e.Segment == someSegment),
            ("within 30 days", new { last_seen = new { within_days = 30 } }, c => lastSeen[c] >= data.Now.AddDays(-30)),
            ("between", new { last_seen = new { before, after } }, c => lastSeen[c] < before && lastSeen[c] >= after),
            ("after, within 60 days", new { last_seen = new { after, within_days = 60 } }, c => lastSeen[c] >= after && lastSeen[c] >= data.Now.AddDays(-60)),
            ("before", new { last_seen = new { before } }, c => lastSeen[c] < before),
            ("dropped at 1", new { dropped_at = new { steps = new object[] { new { type = "pageview", path = "/cart" }, new { type = "pageview", path = "/checkout" } }, step = 1 } },
                Dropped),
            ("mobile and C", new { events = new[] { "device:is:mobile" }, @class = new[] { "C" } },
                c => data.Events.Any(e => e.Customer == c && e.Device == "mobile") && ClassOf(c, revenue) == "C"),
        };
        foreach (var (what, filters, expected) in cases)
        {
            var id = await CreateAsync(api, key, new { name = what, filters });
            var members = everyone.Where(expected).ToList();
            Assert.True(members.Count > 0 && (what == "no filter" || members.Count < Customers), $"{what}: the data must make the filter matter");
            var (ids, heldBack, total) = await MembersAsync(api, id);
            Assert.True(members.Where(data.Consenting.Contains).SequenceEqual(ids), $"{what}: expected {string.Join(",", members)} got {string.Join(",", ids)}");
            Assert.Equal(members.Count(m => !data.Consenting.Contains(m)), heldBack);
            Assert.Equal(ids.Count, total);
        }
    }

    [Fact]
    public async Task Members_page_and_export_as_csv_without_the_customers_held_back()
    {
        var (key, data) = await SeedAsync("segment-pages");
        var id = await CreateAsync(api, key, new { name = "all" });
        var page = await AudienceReportsTests.GetAsync(api, $"/api/segments/{id}/customers?page=2&page_size=5");
        Assert.Equal(["M05", "M06", "M07", "M08", "M09"], page.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customer_id").GetString()));
        Assert.Equal("m05@example.com", page.GetProperty("customers")[0].GetProperty("email").GetString());
        Assert.Equal(Customers - 1, page.GetProperty("total").GetInt64());
        var csv = await api.Admin().GetAsync($"/api/segments/{id}/customers?format=csv");
        Assert.Equal("1", csv.Headers.GetValues("X-Held-Back").Single());
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("customer_id,email,name", lines[0]);
        Assert.Equal(data.Consenting.Order(StringComparer.Ordinal), lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.DoesNotContain(lines, l => l.StartsWith(Id(Customers - 1)));

        var bad = await api.Admin().GetAsync($"/api/segments/{id}/customers?page_size=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("page_size", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Definitions_are_saved_validated_per_field_and_hidden_from_strangers()
    {
        var key = await api.CreateSiteAsync("segment-crud.example");
        var id = await CreateAsync(api, key, new { name = "vip", filters = new { @class = new[] { "A" } }, webhook = new { url = "http://127.0.0.1:9/hook", secret = "0123456789abcdef0" } });
        var listed = (await AudienceReportsTests.GetAsync(api, $"/api/sites/{key}/segments")).EnumerateArray().Single();
        Assert.Equal("vip", listed.GetProperty("name").GetString());
        Assert.True(listed.GetProperty("webhook").GetProperty("has_secret").GetBoolean());
        Assert.DoesNotContain("0123456789abcdef0", listed.ToString());

        // A PUT of what GET answered keeps the secret; a new name is saved.
        var put = await api.Admin().PutAsJsonAsync($"/api/sites/{key}/segments/{id}", new { name = "vip 2", filters = new { @class = new[] { "A", "B" } }, webhook = new { url = "http://127.0.0.1:9/hook" } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var one = await AudienceReportsTests.GetAsync(api, $"/api/sites/{key}/segments/{id}");
        Assert.Equal(("vip 2", 2, true), (one.GetProperty("name").GetString(), one.GetProperty("filters").GetProperty("class").GetArrayLength(),
            one.GetProperty("webhook").GetProperty("has_secret").GetBoolean()));

        var invalid = await api.Admin().PostAsJsonAsync($"/api/sites/{key}/segments", new
        {
            name = "", filters = new { events = new[] { "nonsense" }, @class = new[] { "D" }, rfm_segment = new[] { "gold" }, last_seen = new { within_days = 0 },
                dropped_at = new { steps = new[] { new { type = "pageview" } }, step = 1 } },
            webhook = new { url = "ftp://x", secret = "short" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        var fields = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(["name", "filters.events[0]", "filters.class", "filters.rfm_segment", "filters.last_seen.within_days", "filters.dropped_at.steps", "filters.dropped_at.step",
            "webhook.url", "webhook.secret"], fields);
        var unknown = await api.Admin().PostAsJsonAsync($"/api/sites/{key}/segments", new { name = "x", filters = new { colour = "red" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("filters", await unknown.Content.ReadAsStringAsync());

        var stranger = await Users.CreateAsync(api, "marketer");
        var member = await Users.CreateAsync(api, "marketer");
        await Users.AddMemberAsync(api, key, member.Id);
        foreach (var path in new[] { $"/api/segments/{id}/customers", $"/api/segments/{id}/deliveries", $"/api/sites/{key}/segments/{id}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await api.As(stranger.Token).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.As(member.Token).GetAsync(path)).StatusCode);
        }
        Assert.Equal(await Users.ProblemShapeAsync(await api.As(stranger.Token).GetAsync($"/api/segments/{id}/customers"), id),
            await Users.ProblemShapeAsync(await api.As(stranger.Token).GetAsync("/api/segments/nosuchsegment/customers"), "nosuchsegment"));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As(member.Token).PostAsync($"/api/segments/{id}/run", null)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"/api/sites/{key}/segments/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin().GetAsync($"/api/segments/{id}/customers")).StatusCode);
    }
}

public sealed class SegmentTestsEmbedded(SegmentEmbeddedApi api) : SegmentTests(api), IClassFixture<SegmentEmbeddedApi>;
public sealed class SegmentTestsServer(SegmentServerApi api) : SegmentTests(api), IClassFixture<SegmentServerApi>;
