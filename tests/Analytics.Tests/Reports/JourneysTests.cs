using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Reports;

/// <summary>
/// The journeys report on both engines: touchpoints, sequences and first/last/linear attribution computed here from
/// DESIGN.md's "Attribution" over a hand-made customer (several purchases and devices, a session before the previous
/// purchase, two purchases in one session, a repeated channel, a CRM figure that wins) and generated shoppers.
/// </summary>
public abstract class JourneysTests(ApiFactory api)
{
    const string Range = "from=2026-05-03&to=2026-05-06"; // UTC site: [May 3, May 7)
    static readonly long FromMs = DateTimeOffset.Parse("2026-05-03T00:00:00Z").ToUnixTimeMilliseconds();
    static readonly long ToMs = DateTimeOffset.Parse("2026-05-07T00:00:00Z").ToUnixTimeMilliseconds();
    static readonly string[] Channels = ["direct", "organic_search", "email", "social", "paid_search"];
    static readonly string[] Campaigns = ["", "", "spring", "brand"];
    static readonly string[] Devices = ["desktop", "mobile"];

    sealed class Shop(string site)
    {
        public List<EventRow> Events { get; } = [];
        public List<IdentityLinkRow> Links { get; } = [];
        /// <summary>The CRM's revenue of the orders it knows (it wins over the purchase event's).</summary>
        public Dictionary<string, double> CrmRevenue { get; } = new() { ["o2"] = 120 };

        /// <summary>A session of <paramref name="vid"/>: a pageview, then the purchases given as (minutes after, order id, revenue).</summary>
        public void Session(string vid, string at, string channel, string campaign, string device, params (int Minutes, string Order, double Revenue)[] purchases)
        {
            var start = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
            Events.Add(Row(vid, start, "pageview", channel, campaign, device, "", 0));
            foreach (var (minutes, order, revenue) in purchases)
                Events.Add(Row(vid, start + minutes * 60_000L, "purchase", "internal", "", device, order, revenue));
        }

        EventRow Row(string vid, long ts, string type, string channel, string campaign, string device, string order, double revenue) => new()
        {
            EventId = Guid.NewGuid(), SiteId = site, ReceivedAt = DateTimeOffset.UtcNow, TsMs = ts, Type = type, Path = type == "purchase" ? "/thanks" : "/",
            Vid = vid, Channel = channel, UtmCampaign = campaign, Device = device, Browser = "Firefox", Os = "Linux", Country = "DE",
            OrderId = order, Revenue = revenue,
        };
    }

    static Shop Build(string site)
    {
        var shop = new Shop(site);
        var linkedAt = DateTimeOffset.Parse("2026-05-01T00:00:00Z").ToUnixTimeMilliseconds();
        shop.Links.Add(SessionData.Link(site, "vA", "c1", linkedAt));
        shop.Links.Add(SessionData.Link(site, "vB", "c1", linkedAt));
        shop.Session("vB", "2026-05-01T09:00:00Z", "social", "summer", "mobile"); // before the previous purchase: never a touchpoint of o2
        shop.Session("vA", "2026-05-01T10:00:00Z", "organic_search", "", "desktop", (5, "o1", 50)); // the previous purchase, before the range
        shop.Session("vB", "2026-05-02T12:00:00Z", "social", "summer", "mobile");
        shop.Session("vA", "2026-05-03T12:00:00Z", "email", "spring", "desktop");
        // o2 (the CRM says 120), its purchase event again, and o3 in the same session: o3's only touchpoint is that session.
        shop.Session("vA", "2026-05-04T15:00:00Z", "paid_search", "brand", "desktop", (10, "o2", 100), (12, "o2", 100), (20, "o3", 30));
        shop.Session("vB", "2026-05-05T10:00:00Z", "direct", "", "mobile");
        shop.Session("vA", "2026-05-05T18:00:00Z", "direct", "", "desktop", (5, "o4", 60)); // direct, direct: repeats kept
        shop.Session("vC", "2026-05-02T08:00:00Z", "organic_search", "", "mobile");
        shop.Session("vC", "2026-05-04T08:00:00Z", "email", "spring", "mobile", (3, "", 40)); // no order id: a purchase of its own
        var random = new Random(5);
        var first = DateTimeOffset.Parse("2026-04-29T00:00:00Z").ToUnixTimeMilliseconds();
        for (var v = 1; v <= 30; v++)
        {
            var vid = $"r{v:00}";
            if (v % 3 == 0) shop.Links.Add(SessionData.Link(site, vid, $"k{v % 9}", first));
            var device = Devices[random.Next(Devices.Length)];
            foreach (var day in Enumerable.Range(0, 9).OrderBy(_ => random.Next()).Take(random.Next(1, 5)).Order())
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(first + day * 86_400_000L + random.Next(0, 20 * 60) * 60_000L).ToString("O", CultureInfo.InvariantCulture);
                var purchases = random.Next(3) == 0 ? new[] { (random.Next(1, 20), $"r{shop.Events.Count}", (double)random.Next(5, 200)) } : Array.Empty<(int, string, double)>();
                shop.Session(vid, at, Channels[random.Next(Channels.Length)], Campaigns[random.Next(Campaigns.Length)], device, purchases);
            }
        }
        // An order the CRM knows by an id a random purchase has, so its figure wins there too.
        var some = shop.Events.First(e => e.Type == "purchase" && e.OrderId.StartsWith('r'));
        shop.CrmRevenue[some.OrderId] = 77.5;
        return shop;
    }

    sealed record Purchase(string Person, string Vid, long TsMs, double Revenue, bool Reported);
    sealed record Touched(List<string> Channels, List<string> Campaigns, double Revenue);

    /// <summary>DESIGN.md "Attribution" over the shop: per reported purchase its touchpoints' channels and campaigns.</summary>
    static List<Touched> Expected(Shop shop, Func<EventRow, bool> match)
    {
        var data = new ReportData();
        data.Events.AddRange(shop.Events);
        data.Links.AddRange(shop.Links);
        var sessions = data.Sessions();
        var purchases = shop.Events.Where(e => e.Type == "purchase")
            .GroupBy(e => (Person: data.Person(e), Key: e.OrderId.Length > 0 ? e.OrderId : e.EventId.ToString()))
            .Select(g =>
            {
                var firstEvent = g.OrderBy(e => e.TsMs).First();
                var reported = g.Any(e => e.TsMs >= FromMs && e.TsMs < ToMs && match(e)) && firstEvent.TsMs >= FromMs && firstEvent.TsMs < ToMs;
                var revenue = shop.CrmRevenue.TryGetValue(g.Key.Key, out var crm) ? crm : firstEvent.Revenue;
                return new Purchase(g.Key.Person, firstEvent.Vid, firstEvent.TsMs, revenue, reported);
            }).ToList();
        var touched = new List<Touched>();
        foreach (var person in purchases.GroupBy(p => p.Person))
        {
            var ordered = person.OrderBy(p => p.TsMs).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var p = ordered[i];
                if (!p.Reported) continue;
                var previous = i == 0 ? long.MinValue : ordered[i - 1].TsMs;
                var points = sessions.Where(s => s.Person == p.Person
                        && ((s.StartMs > previous && s.StartMs <= p.TsMs) || (s.Events[0].Vid == p.Vid && s.StartMs <= p.TsMs && s.Events[^1].TsMs >= p.TsMs)))
                    .OrderBy(s => s.StartMs).ToList();
                touched.Add(new Touched(points.Select(s => s.Events[0].Channel).ToList(), points.Select(s => s.Events[0].UtmCampaign).ToList(), p.Revenue));
            }
        }
        return touched;
    }

    static Dictionary<string, (double First, double Last, double Linear)> Attribution(List<Touched> touched, Func<Touched, List<string>> of)
    {
        var sums = new Dictionary<string, (double First, double Last, double Linear)>();
        void Add(string v, double f, double l, double lin)
        {
            var name = v.Length == 0 ? "(none)" : v;
            var s = sums.GetValueOrDefault(name);
            sums[name] = (s.First + f, s.Last + l, s.Linear + lin);
        }
        foreach (var t in touched)
        {
            var values = of(t);
            Add(values[0], t.Revenue, 0, 0);
            Add(values[^1], 0, t.Revenue, 0);
            foreach (var v in values) Add(v, 0, 0, t.Revenue / values.Count);
        }
        return sums;
    }

    static void AssertAttribution(Dictionary<string, (double First, double Last, double Linear)> expected, JsonElement rows, string name)
    {
        var actual = rows.EnumerateArray().ToDictionary(r => r.GetProperty(name).GetString()!,
            r => (r.GetProperty("first_touch").GetDouble(), r.GetProperty("last_touch").GetDouble(), r.GetProperty("linear").GetDouble()));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, e) in expected)
        {
            Assert.Equal(e.First, actual[key].Item1, 2);
            Assert.Equal(e.Last, actual[key].Item2, 2);
            Assert.Equal(e.Linear, actual[key].Item3, 2);
        }
    }

    [Fact]
    public async Task Journeys_attribute_revenue_first_last_and_linear_over_the_touchpoints_since_the_previous_purchase()
    {
        var key = await api.CreateSiteAsync("journeys.example");
        var site = await api.SiteIdAsync(key);
        var shop = Build(site);
        await SessionData.InsertAsync(api.ClickHouse, shop.Events);
        await SessionData.InsertAsync(api.ClickHouse, shop.Links);
        var orders = shop.CrmRevenue.Select(o => new { order_id = o.Key, customer_id = "c1", ts = "2026-05-04T15:10:00Z", revenue = o.Value, currency = "EUR" })
            .Append(new { order_id = "o9", customer_id = "c9", ts = "2026-05-04T10:00:00Z", revenue = 999.0, currency = "EUR" }); // CRM only: no session
        var imported = await api.Admin().PostAsync($"/api/crm/orders?site={key}", new StringContent(JsonSerializer.Serialize(orders), Encoding.UTF8, "application/json"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());

        foreach (var (filter, match) in new (string, Func<EventRow, bool>)[] { ("", _ => true), ("&filter=device:is:mobile", e => e.Device == "mobile") })
        {
            var expected = Expected(shop, match);
            var response = await api.Admin().GetAsync($"/api/reports/journeys?site={key}&{Range}&limit=1000{filter}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var answer = JsonDocument.Parse(body).RootElement;

            Assert.Equal(expected.Count, answer.GetProperty("conversions").GetInt64());
            Assert.Equal(expected.Sum(t => t.Revenue), answer.GetProperty("revenue").GetDouble(), 2);
            AssertAttribution(Attribution(expected, t => t.Channels), answer.GetProperty("attribution"), "channel");
            AssertAttribution(Attribution(expected, t => t.Campaigns), answer.GetProperty("campaigns"), "campaign");
            var sequences = expected.GroupBy(t => string.Join(">", t.Channels)).ToDictionary(g => g.Key, g => (g.Count(), Math.Round(g.Sum(t => t.Revenue), 2)));
            var actual = answer.GetProperty("sequences").EnumerateArray().ToDictionary(
                s => string.Join(">", s.GetProperty("channels").EnumerateArray().Select(c => c.GetString())),
                s => (s.GetProperty("conversions").GetInt32(), Math.Round(s.GetProperty("revenue").GetDouble(), 2)));
            Assert.Equal(sequences.OrderBy(s => s.Key), actual.OrderBy(s => s.Key));
            var counts = actual.Values.Select(v => v.Item1).ToList();
            Assert.Equal(counts.OrderByDescending(c => c), counts);
        }
        // The hand-made customer, as the definitions read: o2 from social (not the one before o1), email and its own session.
        var all = Expected(shop, _ => true);
        Assert.Contains(all, t => t.Channels.SequenceEqual(["social", "email", "paid_search"]) && t.Revenue == 120);
        Assert.Contains(all, t => t.Channels.SequenceEqual(["paid_search"]) && t.Revenue == 30);
        Assert.Contains(all, t => t.Channels.SequenceEqual(["direct", "direct"]) && t.Revenue == 60);
        Assert.Contains(all, t => t.Channels.SequenceEqual(["organic_search", "email"]) && t.Revenue == 40);
    }
}

public sealed class JourneysTestsEmbedded(EmbeddedApi api) : JourneysTests(api), IClassFixture<EmbeddedApi>;
public sealed class JourneysTestsServer(ServerApi api) : JourneysTests(api), IClassFixture<ServerApi>;
