using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Reports;

/// <summary>
/// Retention, A/B/C, the class filter and realtime over generated traffic on both engines (site in Europe/Berlin),
/// each expected answer computed here from DESIGN.md's definitions. Forms and realtime have their own files.
/// </summary>
public abstract class AudienceReportsTests(ApiFactory api)
{
    static readonly TimeZoneInfo Berlin = ReportData.Berlin;
    // 2026-01-01 .. 2026-04-30 in Berlin.
    const string Range = "from=2026-01-01&to=2026-04-30";
    static readonly long FromMs = DateTimeOffset.Parse("2025-12-31T23:00:00Z").ToUnixTimeMilliseconds();
    static readonly long ToMs = DateTimeOffset.Parse("2026-04-30T22:00:00Z").ToUnixTimeMilliseconds();

    internal static async Task<(string Key, string Id)> BerlinSiteAsync(ApiFactory api, string name)
    {
        var created = await api.Admin().PostAsJsonAsync("/api/sites", new { name, domains = new[] { name + ".example" }, time_zone = "Europe/Berlin" });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return (key, await api.SiteIdAsync(key));
    }

    internal static async Task<JsonElement> GetAsync(ApiFactory api, string path)
    {
        var response = await api.Admin().GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    static long Ms(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>
    /// Visitors over four months, some of them the devices of customers, with purchases; plus a visitor whose first event
    /// is 00:30 on Monday 2026-03-23 in Berlin (Sunday 23:30 UTC: another week in UTC) and one whose first is 00:30 on
    /// 1 February in Berlin (still January in UTC); a bot, and events outside the range.
    /// </summary>
    static (List<EventRow> Events, List<IdentityLinkRow> Links) Traffic(string site)
    {
        var random = new Random(23);
        var events = new List<EventRow>();
        var links = new List<IdentityLinkRow>();
        var order = 0;
        for (var v = 1; v <= 50; v++)
        {
            var vid = $"r{v:00}";
            var device = v % 3 == 0 ? "mobile" : "desktop";
            for (var i = random.Next(1, 9); i > 0; i--)
            {
                var ts = FromMs + random.Next(0, 119 * 24 * 60) * 60_000L + random.Next(60_000);
                var purchase = random.Next(5) == 0;
                var e = ReportData.Event(site, vid, ts, purchase ? "purchase" : "pageview", "/p" + random.Next(4), "DE", device, "direct", true);
                if (purchase)
                {
                    e.OrderId = $"o{order++}";
                    e.Revenue = random.Next(1, 20) * 10;
                    e.Currency = "EUR";
                }
                events.Add(e);
            }
        }
        // Two devices of customer k1, one of k2 (linked after its first events: retroactive).
        links.Add(SessionData.Link(site, "r01", "k1", FromMs));
        links.Add(SessionData.Link(site, "r02", "k1", FromMs));
        links.Add(SessionData.Link(site, "r04", "k2", Ms("2026-03-01T00:00:00Z")));
        foreach (var (vid, first, second) in new[]
                 {
                     ("midnight", "2026-03-22T23:30:00Z", "2026-04-06T10:00:00Z"), ("february", "2026-01-31T23:30:00Z", "2026-03-02T12:00:00Z"),
                 })
        {
            events.Add(ReportData.Event(site, vid, Ms(first), "pageview", "/", "DE", "mobile", "direct", true));
            var buy = ReportData.Event(site, vid, Ms(second), "purchase", "/thanks", "DE", "mobile", "direct", true);
            buy.OrderId = "o-" + vid;
            buy.Revenue = 50;
            events.Add(buy);
        }
        var bot = ReportData.Event(site, "bot", Ms("2026-02-10T10:00:00Z"), "purchase", "/", "DE", "desktop", "direct", false);
        bot.IsBot = true;
        bot.OrderId = "o-bot";
        events.Add(bot);
        events.Add(ReportData.Event(site, "late", ToMs + 3_600_000, "pageview", "/", "DE", "desktop", "direct", true));
        events.Add(ReportData.Event(site, "early", FromMs - 3_600_000, "pageview", "/", "DE", "desktop", "direct", true));
        return (events, links);
    }

    static DateOnly Local(long ms) => ReportData.LocalDay(ms, Berlin);
    static DateOnly Week(DateOnly d) => d.AddDays(-(((int)d.DayOfWeek + 6) % 7));
    static DateOnly Month(DateOnly d) => new(d.Year, d.Month, 1);

    static string Iso(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Berlin.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    /// <summary>Called once a test's traffic is in: <see cref="StoredAudienceReportsTests"/> waits there until the refresh serves its days.</summary>
    protected virtual Task TrafficInsertedAsync(string siteId, IReadOnlyCollection<EventRow> events) => Task.CompletedTask;

    /// <summary>Retention by the definition: cohort = the period of a person's first counted event in the range.</summary>
    static List<(string Start, long Persons, long[] Returning)> ExpectedRetention(
        List<EventRow> events, List<IdentityLinkRow> links, bool purchases, Func<DateOnly, DateOnly> period, Func<DateOnly, DateOnly> next, Func<EventRow, bool> match)
    {
        var periods = new List<DateOnly>();
        for (var p = period(Local(FromMs)); p <= Local(ToMs - 1); p = next(p)) periods.Add(p);
        var counted = events.Where(e => !e.IsBot && e.TsMs >= FromMs && e.TsMs < ToMs && match(e) && (!purchases || e.Type == "purchase"))
            .GroupBy(e => SessionData.Person(e.Vid, e.TsMs, links))
            .Select(g => g.Select(e => periods.IndexOf(period(Local(e.TsMs)))).Distinct().ToList()).ToList();
        return periods.Select((p, i) =>
        {
            var cohort = counted.Where(ps => ps.Min() == i).ToList();
            var returning = Enumerable.Range(i, periods.Count - i).Select(k => (long)cohort.Count(ps => ps.Contains(k))).ToArray();
            return (Iso(p), (long)cohort.Count, returning);
        }).Where(c => c.Item2 > 0).ToList();
    }

    [Theory]
    [InlineData("first_visit", "week", "")]
    [InlineData("first_visit", "month", "")]
    [InlineData("first_purchase", "week", "")]
    [InlineData("purchase", "month", "")]
    [InlineData("first_visit", "week", "device:is:mobile")]
    public async Task Retention_counts_each_cohort_and_its_returning_persons_per_period_in_the_site_zone(string cohort, string period, string filter)
    {
        var (key, id) = await BerlinSiteAsync(api, "retention" + Guid.NewGuid().ToString("N")[..8]);
        var (events, links) = Traffic(id);
        await StoredTraffic.InsertMarkedAsync(api.ClickHouse, events);
        await SessionData.InsertAsync(api.ClickHouse, links);
        await TrafficInsertedAsync(id, events);
        var filterQuery = filter.Length == 0 ? "" : "&filter=" + Uri.EscapeDataString(filter);
        var answer = await GetAsync(api, $"/api/reports/retention?site={key}&{Range}&cohort={cohort}&period={period}{filterQuery}");

        var weekly = period == "week";
        var expected = ExpectedRetention(events, links, cohort != "first_visit", weekly ? Week : Month,
            weekly ? d => d.AddDays(7) : d => d.AddMonths(1), e => filter.Length == 0 || e.Device == "mobile");
        var actual = answer.GetProperty("cohorts").EnumerateArray().ToList();
        Assert.Equal(expected.Select(c => c.Start), actual.Select(c => c.GetProperty("start").GetString()));
        foreach (var (want, got) in expected.Zip(actual))
        {
            Assert.Equal(want.Persons, got.GetProperty("persons").GetInt64());
            Assert.Equal(want.Returning, got.GetProperty("returning").EnumerateArray().Select(n => n.GetInt64()));
            Assert.Equal(want.Returning.Select(n => Math.Round((double)n / want.Persons, 4)), got.GetProperty("rates").EnumerateArray().Select(r => r.GetDouble()));
        }
        Assert.Equal(cohort == "first_visit" ? "first_visit" : "first_purchase", answer.GetProperty("cohort").GetString());
        var csv = (await api.Admin().GetStringAsync($"/api/reports/retention?site={key}&{Range}&cohort={cohort}&period={period}{filterQuery}&format=csv"))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("start,period,persons,returning,rate", csv[0]);
        Assert.Equal(expected.Sum(c => c.Returning.Length), csv.Length - 1);
        if (cohort == "first_visit" && filter.Length == 0)
        {
            // The midnight visitor is in the Berlin week of Monday 23 March (UTC would say the week of the 16th) and
            // the February one in February (UTC: January): both cohorts hold them.
            var starts = actual.Select(c => c.GetProperty("start").GetString()).ToList();
            Assert.Contains(weekly ? "2026-03-23T00:00:00+01:00" : "2026-02-01T00:00:00+01:00", starts);
            Assert.Contains(weekly ? new DateOnly(2026, 3, 23) : new DateOnly(2026, 2, 1), events.Where(e => e.Vid is "midnight" or "february").Select(e => weekly ? Week(Local(e.TsMs)) : Month(Local(e.TsMs))));
        }
    }

    /// <summary>Customers k1..k9 with purchase revenue in the range (ties at 100 across the 80 % line), devices linked.</summary>
    static (List<EventRow> Events, List<IdentityLinkRow> Links, Dictionary<string, double> Revenue) Customers(string site)
    {
        var revenue = new Dictionary<string, double>
        {
            ["k1"] = 400, ["k2"] = 200, ["k3"] = 100, ["k4"] = 100, ["k5"] = 100, ["k6"] = 50, ["k7"] = 20, ["k8"] = 10, ["k9"] = 10,
        };
        var events = new List<EventRow>();
        var links = new List<IdentityLinkRow>();
        var t = Ms("2026-02-01T10:00:00Z");
        var n = 0;
        foreach (var (customer, total) in revenue)
        {
            var vid = "v-" + customer;
            links.Add(SessionData.Link(site, vid, customer, t));
            // Two purchases each (one in two parts), a pageview on a device that is mobile for every other customer.
            foreach (var part in new[] { Math.Floor(total / 3), total - Math.Floor(total / 3) })
            {
                var buy = ReportData.Event(site, vid, t + n * 3_600_000L, "purchase", "/thanks", "DE", "desktop", "direct", true);
                buy.OrderId = $"a{n++}";
                buy.Revenue = part;
                buy.CustomerId = customer;
                events.Add(buy);
            }
            events.Add(ReportData.Event(site, vid, t + n * 3_600_000L, "pageview", "/", "DE", int.Parse(customer[1..], CultureInfo.InvariantCulture) % 2 == 0 ? "mobile" : "desktop", "direct", true));
        }
        // Outside the range (no revenue in it), an anonymous purchase and an anonymous visitor.
        var old = ReportData.Event(site, "v-k9", FromMs - 86_400_000, "purchase", "/", "DE", "desktop", "direct", true);
        old.OrderId = "old";
        old.Revenue = 5000;
        old.CustomerId = "k9";
        events.Add(old);
        var anonymous = ReportData.Event(site, "stranger", t, "purchase", "/", "DE", "mobile", "direct", true);
        anonymous.OrderId = "anon";
        anonymous.Revenue = 70;
        events.Add(anonymous);
        return (events, links, revenue);
    }

    static Dictionary<string, string> ExpectedClasses(Dictionary<string, double> revenue)
    {
        var total = revenue.Values.Sum();
        return revenue.ToDictionary(r => r.Key, r =>
        {
            var above = revenue.Values.Where(v => v > r.Value).Sum();
            return above < 0.8 * total ? "A" : above < 0.95 * total ? "B" : "C";
        });
    }

    [Fact]
    public async Task Abc_counts_customers_and_revenue_per_class_with_ties_sharing_a_class_and_filters_narrowing_the_customers()
    {
        var (key, id) = await BerlinSiteAsync(api, "abc-report");
        var (events, links, revenue) = Customers(id);
        await SessionData.InsertAsync(api.ClickHouse, events);
        await SessionData.InsertAsync(api.ClickHouse, links);
        var classes = ExpectedClasses(revenue);
        Assert.Equal(["A", "A", "A"], new[] { "k3", "k4", "k5" }.Select(k => classes[k])); // the tie straddles 80 %: all A

        foreach (var (filter, counted) in new (string, Func<string, bool>)[] { ("", _ => true), ("&filter=device:is:mobile", k => int.Parse(k[1..], CultureInfo.InvariantCulture) % 2 == 0) })
        {
            var whole = await GetAsync(api, $"/api/reports/abc?site={key}&{Range}{filter}");
            var answer = whole.GetProperty("classes").EnumerateArray().ToList();
            Assert.Equal(["A", "B", "C"], answer.Select(c => c.GetProperty("class").GetString()));
            var countedTotal = classes.Where(c => counted(c.Key)).Sum(c => revenue[c.Key]);
            foreach (var row in answer)
            {
                var mine = classes.Where(c => c.Value == row.GetProperty("class").GetString() && counted(c.Key)).Select(c => c.Key).ToList();
                Assert.True(mine.Count == row.GetProperty("customers").GetInt64(), $"{filter} {row}");
                Assert.Equal(mine.Sum(k => revenue[k]), row.GetProperty("revenue").GetDouble(), 2);
                Assert.Equal(mine.Sum(k => revenue[k]) / countedTotal, row.GetProperty("share").GetDouble(), 0.00005); // 4 decimals
            }
            Assert.Equal(0.8, whole.GetProperty("thresholds").GetProperty("a").GetDouble());
            Assert.Equal(0.95, whole.GetProperty("thresholds").GetProperty("b").GetDouble());
        }
        var csv = await api.Admin().GetStringAsync($"/api/reports/abc?site={key}&{Range}&format=csv");
        Assert.StartsWith("class,customers,revenue\r\nA,", csv);
    }

    [Fact]
    public async Task The_customer_class_filters_and_breaks_down_persons_by_their_class_in_the_range_with_anonymous_visitors_apart()
    {
        var (key, id) = await BerlinSiteAsync(api, "class-filter");
        var (events, links, revenue) = Customers(id);
        await SessionData.InsertAsync(api.ClickHouse, events);
        await SessionData.InsertAsync(api.ClickHouse, links);
        var classes = ExpectedClasses(revenue);
        var inRange = events.Where(e => e.TsMs >= FromMs && e.TsMs < ToMs).ToList();
        string ClassOf(EventRow e) => links.Any(l => l.VisitorId == e.Vid) ? classes[SessionData.Person(e.Vid, e.TsMs, links)] : "anonymous";

        var rows = (await GetAsync(api, $"/api/reports/breakdown?site={key}&{Range}&dimension=customer_class&limit=10"))
            .GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("value").GetString()!);
        var expected = inRange.GroupBy(ClassOf).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(expected.Keys.Order(), rows.Keys.Order());
        foreach (var (value, mine) in expected)
        {
            Assert.Equal(mine.Select(e => SessionData.Person(e.Vid, e.TsMs, links)).Distinct().Count(), rows[value].GetProperty("visitors").GetInt64());
            Assert.Equal(mine.Count(e => e.Type == "pageview"), rows[value].GetProperty("pageviews").GetInt64());
        }

        var onlyA = await GetAsync(api, $"/api/reports/overview?site={key}&{Range}&filter=customer_class:is:A");
        Assert.Equal(classes.Count(c => c.Value == "A"), onlyA.GetProperty("visitors").GetInt64());
        var notAnonymous = await GetAsync(api, $"/api/reports/overview?site={key}&{Range}&filter=customer_class:in:B|C");
        Assert.Equal(classes.Count(c => c.Value is "B" or "C"), notAnonymous.GetProperty("visitors").GetInt64());
    }

    [Fact]
    public async Task The_crm_segment_breaks_down_persons_by_their_customer_record_with_anonymous_visitors_apart()
    {
        var (key, id) = await BerlinSiteAsync(api, "segment-breakdown");
        var (events, links, _) = Customers(id);
        await SessionData.InsertAsync(api.ClickHouse, events);
        await SessionData.InsertAsync(api.ClickHouse, links);
        var segments = new Dictionary<string, string> { ["k1"] = "vip", ["k2"] = "vip", ["k3"] = "new" };
        foreach (var (customer, segment) in segments)
            await api.ClickHouse.ExecuteAsync(Analytics.Storage.Sql.Query($"INSERT INTO customers (site_id, customer_id, segment, version) VALUES ({id}, {customer}, {segment}, 1)"));
        await api.ClickHouse.ExecuteAsync(Analytics.Storage.Sql.Query($"INSERT INTO customers (site_id, customer_id, segment, version) VALUES ({id}, 'k1', 'gold', 2)"));
        segments["k1"] = "gold"; // the latest import wins

        string SegmentOf(EventRow e) => links.Any(l => l.VisitorId == e.Vid) ? segments.GetValueOrDefault(SessionData.Person(e.Vid, e.TsMs, links), "(none)") : "anonymous";
        var inRange = events.Where(e => e.TsMs >= FromMs && e.TsMs < ToMs).ToList();
        var rows = (await GetAsync(api, $"/api/reports/breakdown?site={key}&{Range}&dimension=crm_segment&limit=10"))
            .GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("value").GetString()!, r => r.GetProperty("visitors").GetInt64());
        var expected = inRange.GroupBy(SegmentOf).ToDictionary(g => g.Key, g => (long)g.Select(e => SessionData.Person(e.Vid, e.TsMs, links)).Distinct().Count());
        Assert.Equal(expected.OrderBy(e => e.Key), rows.OrderBy(r => r.Key));
        var vip = await GetAsync(api, $"/api/reports/overview?site={key}&{Range}&filter=crm_segment:is:vip");
        Assert.Equal(1, vip.GetProperty("visitors").GetInt64());
    }
}

public sealed class AudienceReportsTestsEmbedded(EmbeddedApi api) : AudienceReportsTests(api), IClassFixture<EmbeddedApi>;
public sealed class AudienceReportsTestsServer(ServerApi api) : AudienceReportsTests(api), IClassFixture<ServerApi>;

/// <summary>The same once the session refresh has stored the traffic's days (visitor hours serve retention by first visit).</summary>
public abstract class StoredAudienceReportsTests(ApiFactory api) : AudienceReportsTests(api)
{
    protected override Task TrafficInsertedAsync(string siteId, IReadOnlyCollection<EventRow> events) =>
        StoredTraffic.WaitUntilServedAsync(api.ClickHouse, siteId, events);
}

public sealed class StoredAudienceReportsTestsEmbedded(EmbeddedFastRefreshApi api) : StoredAudienceReportsTests(api), IClassFixture<EmbeddedFastRefreshApi>;
public sealed class StoredAudienceReportsTestsServer(ServerFastRefreshApi api) : StoredAudienceReportsTests(api), IClassFixture<ServerFastRefreshApi>;
