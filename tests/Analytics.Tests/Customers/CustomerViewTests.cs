using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sites;
using static Analytics.Tests.Crm.CrmClient;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Customers;

/// <summary>
/// GET /api/customers/{id} on both engines over generated data: the test knows which sessions, orders and contacts
/// it made for whom and derives the expected view from the rules (DESIGN.md "Semantics"), never from the service.
/// </summary>
public abstract class CustomerViewTests(ApiFactory api)
{
    const long Day = 24 * 60 * Minute;
    static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60_000;

    static EventRow Purchase(string site, string vid, long ts, string orderId, double revenue)
    {
        var e = Event(site, vid, ts, "purchase", "/thanks");
        e.OrderId = orderId;
        e.Revenue = revenue;
        e.Currency = "EUR";
        return e;
    }

    static async Task<JsonElement> ViewAsync(ApiFactory api, string key, string customer, string query = "")
    {
        var response = await api.Admin().GetAsync($"/api/customers/{customer}?site={key}{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    static List<long> SessionStarts(JsonElement view) =>
        view.GetProperty("sessions").GetProperty("items").EnumerateArray().Select(s => s.GetProperty("start").GetDateTimeOffset().ToUnixTimeMilliseconds()).ToList();

    /// <summary>
    /// The phase of a touchpoint at <paramref name="t"/> by the rules, written out independently of the service:
    /// orders (time, start of their transaction session or null), in time order.
    /// </summary>
    static (string Phase, string? Order) PhaseOf(long t, IReadOnlyList<(string Id, long Ts, long? TransactionStart)> orders, long windowMs)
    {
        for (var k = orders.Count - 1; k >= 0; k--)
        {
            if (orders[k].Ts > t) continue;
            var next = k + 1 < orders.Count ? orders[k + 1] : default;
            var beforeNext = k + 1 >= orders.Count || t < (next.TransactionStart ?? next.Ts);
            if (t - orders[k].Ts <= windowMs && beforeNext) return ("post_purchase", orders[k].Id);
            return k + 1 < orders.Count ? ("pre_purchase", next.Id) : ("open", null);
        }
        return orders.Count > 0 ? ("pre_purchase", orders[0].Id) : ("open", null);
    }

    [Fact]
    public async Task The_view_joins_devices_back_in_time_dedups_orders_and_places_every_touchpoint_in_its_phase()
    {
        var (key, site) = await NewSiteAsync(api);
        var o1 = Now - 150 * Day;             // tracker purchase on the laptop, also in the CRM (the CRM's figures win)
        var o2 = o1 + 60 * Day;               // CRM only, placed during a phone session
        var events = new List<EventRow>();
        var sessions = new List<(string Vid, long Start, long End)>();
        void Visit(string vid, long start, int pages, string channel, (string Id, double Revenue)? purchase = null)
        {
            for (var i = 0; i < pages; i++) events.Add(Event(site, vid, start + i * Minute, path: $"/p{i}", channel: channel, source: channel + ".example", campaign: "c-" + vid));
            var end = start + (pages - 1) * Minute;
            if (purchase is { } p) events.Add(Purchase(site, vid, end = start + pages * Minute, p.Id, p.Revenue));
            sessions.Add((vid, start, end));
        }
        Visit("phone", o1 - 20 * Day, 3, "organic_search");          // anonymous, before any link: retroactively C1's
        Visit("laptop", o1 - 2 * Day, 2, "email");
        Visit("laptop", o1 - 10 * Minute, 4, "paid_search", ("O1", 55)); // the purchase event is at o1 - 6 min: its session is the transaction
        Visit("phone", o1 + 3 * Day, 2, "direct");
        Visit("laptop", o1 + 35 * Day, 1, "social");                  // past the 30 days, before O2
        Visit("phone", o2 - 15 * Minute, 5, "direct");               // with the page below it holds O2's time: O2's transaction
        sessions[^1] = (sessions[^1].Vid, sessions[^1].Start, o2 + 5 * Minute);
        events.Add(Event(site, "phone", o2 + 5 * Minute, path: "/after-order"));
        Visit("laptop", o2 + 12 * Day, 2, "email");
        Visit("phone", o2 + 50 * Day, 2, "referral");                // open
        Visit("stranger", o2 + 1 * Day, 3, "direct");                 // not linked: never in the view
        await InsertAsync(api.ClickHouse, events);
        await InsertAsync(api.ClickHouse, [Link(site, "phone", "C1", o1 + 40 * Day)]); // an identify long after the first visits
        await ImportAsync(api, "customers", key, Json(new
        {
            customer_id = "C1", email = "ann@example.com", name = "Ann Example", segment = "vip", created_at = "2025-01-02T03:04:05Z",
            attributes = new Dictionary<string, string> { ["tier"] = "gold" }, marketing_consent = true, marketing_consent_at = "2025-02-01T00:00:00Z",
            visitor_ids = new[] { "laptop" },
        }), "application/json");
        await ImportAsync(api, "orders", key, Json(
            new { order_id = "O1", customer_id = "C1", ts = o1 - 6 * Minute + 20_000, revenue = 50.0, currency = "EUR", cost_of_goods = 30.0, status = "paid" },
            new { order_id = "O2", customer_id = "C1", ts = o2, revenue = 150.0, currency = "EUR", status = "paid" }), "application/json");
        await ImportAsync(api, "contacts", key, Json(
            new { contact_id = "K1", customer_id = "C1", ts = o1 + 2 * Day, channel = "phone", direction = "inbound", kind = "complaint", subject = "late", outcome = "open" },
            new { contact_id = "K2", customer_id = "C1", ts = o1 + 5 * Day, channel = "email", direction = "inbound", kind = "complaint", subject = "broken", outcome = "Resolved" },
            new { contact_id = "K3", customer_id = "C1", ts = o2 + 40 * Day, channel = "chat", direction = "inbound", kind = "service", subject = "how to", outcome = "answered" }),
            "application/json");
        await api.WaitForRowsAsync(Analytics.Storage.Sql.Query($"site_id = {site}"), events.Count);
        await WaitForLinkAsync(site, "laptop");

        var view = await ViewAsync(api, key, "C1", "&sessions_page_size=200&timeline_page_size=200");

        // Cross-device and retroactive: both devices, every session of theirs (the stranger's never), newest first.
        var own = sessions.Where(s => s.Vid != "stranger").OrderByDescending(s => s.Start).ToList();
        Assert.Equal(own.Select(s => s.Start), SessionStarts(view));
        Assert.Equal(["laptop", "phone"], view.GetProperty("visitors").EnumerateArray().Select(v => v.GetProperty("visitor_id").GetString()));
        var phone = view.GetProperty("visitors").EnumerateArray().Single(v => v.GetProperty("visitor_id").GetString() == "phone");
        Assert.Equal(own.Where(s => s.Vid == "phone").Min(s => s.Start), phone.GetProperty("first_seen").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(own.Min(s => s.Start), view.GetProperty("first_seen").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(own.Max(s => s.End), view.GetProperty("last_seen").GetDateTimeOffset().ToUnixTimeMilliseconds());

        // Orders once each with the CRM's figures: 50 + 150, not the tracker's 55.
        Assert.Equal(200, view.GetProperty("lifetime_revenue").GetDouble());
        Assert.Equal(2, view.GetProperty("orders").GetInt64());
        Assert.Equal(100, view.GetProperty("average_order_value").GetDouble());
        var history = view.GetProperty("order_history").EnumerateArray().ToList();
        Assert.Equal(["O2", "O1"], history.Select(o => o.GetProperty("order_id").GetString()));
        Assert.Equal([150.0, 50.0], history.Select(o => o.GetProperty("revenue").GetDouble()));
        Assert.Equal(30.0, history[1].GetProperty("cost_of_goods").GetDouble());
        Assert.Equal(JsonValueKind.Null, history[0].GetProperty("cost_of_goods").ValueKind);
        Assert.Equal("laptop", history[1].GetProperty("visitor_id").GetString()); // the tracker's purchase event named the device
        Assert.All(history, o => Assert.Equal("crm", o.GetProperty("source").GetString()));
        var years = Math.Max(1, (DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(o1 - 6 * Minute + 20_000)).TotalDays / 365.25);
        Assert.Equal(200 * 3 / years, view.GetProperty("clv").GetProperty("predicted").GetDouble(), 3);
        Assert.Equal(200 * 3 / years * (20.0 / 50), view.GetProperty("clv").GetProperty("predicted_margin").GetDouble(), 3);
        Assert.Equal("A", view.GetProperty("class").GetString()); // the site's only customer with revenue
        Assert.Equal("Ann Example", view.GetProperty("profile").GetProperty("name").GetString());
        Assert.Equal("gold", view.GetProperty("profile").GetProperty("attributes").GetProperty("tier").GetString());
        Assert.True(view.GetProperty("profile").GetProperty("marketing_consent").GetProperty("granted").GetBoolean());
        Assert.Equal(["K1"], view.GetProperty("open_complaints").EnumerateArray().Select(c => c.GetProperty("contact_id").GetString()));
        Assert.Equal("K3", view.GetProperty("last_service_contact").GetProperty("contact_id").GetString());

        // The timeline: the customer's web events, both orders and the three contacts, newest first.
        var timeline = view.GetProperty("timeline");
        var ownEvents = events.Count(e => e.Vid != "stranger");
        Assert.Equal(ownEvents + 2 + 3, timeline.GetProperty("total").GetInt64());
        var items = timeline.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(ownEvents + 5, items.Count);
        Assert.Equal(items.Select(i => i.GetProperty("ts").GetDateTimeOffset()).OrderByDescending(t => t), items.Select(i => i.GetProperty("ts").GetDateTimeOffset()));
        Assert.Equal(2, items.Count(i => i.GetProperty("kind").GetString() == "order"));
        Assert.Equal(3, items.Count(i => i.GetProperty("kind").GetString() == "contact"));
        var page2 = (await ViewAsync(api, key, "C1", "&timeline_page=2&timeline_page_size=4")).GetProperty("timeline").GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("ts").GetDateTimeOffset()).ToList();
        Assert.Equal(items.Skip(4).Take(4).Select(i => i.GetProperty("ts").GetDateTimeOffset()), page2);

        // The journey, phase by phase, from the rules.
        var transactionO1 = sessions.Single(s => s.Vid == "laptop" && s.Start == o1 - 10 * Minute).Start;
        var transactionO2 = sessions.Single(s => s.Start == o2 - 15 * Minute).Start;
        var orders = new List<(string, long, long?)> { ("O1", o1 - 6 * Minute + 20_000, transactionO1), ("O2", o2, transactionO2) };
        var expected = new List<(string Phase, string? Order, string Points)>();
        foreach (var (id, ts, transaction) in orders)
        {
            expected.Add(("pre_purchase", id, ""));
            expected.Add(("transaction", id, $"session@{transaction}"));
            expected.Add(("post_purchase", id, ""));
        }
        expected.Add(("open", null, ""));
        var points = own.Select(s => (T: s.Start, Label: $"session@{s.Start}", Transaction: s.Start == transactionO1 || s.Start == transactionO2))
            .Concat(new[] { (T: o1 + 2 * Day, Label: "contact@K1", Transaction: false), (T: o1 + 5 * Day, Label: "contact@K2", Transaction: false),
                (T: o2 + 40 * Day, Label: "contact@K3", Transaction: false) })
            .Where(p => !p.Transaction).OrderBy(p => p.T);
        foreach (var p in points)
        {
            var (phase, order) = PhaseOf(p.T, orders, 30 * Day);
            var i = expected.FindIndex(e => e.Phase == phase && e.Order == order);
            expected[i] = (phase, order, (expected[i].Points + " " + p.Label).Trim());
        }
        expected.RemoveAll(e => e.Phase != "transaction" && e.Points.Length == 0);
        var journey = view.GetProperty("journey").EnumerateArray().Select(g => (g.GetProperty("phase").GetString()!,
            g.TryGetProperty("order_id", out var o) ? o.GetString() : null,
            string.Join(" ", g.GetProperty("touchpoints").EnumerateArray().Select(t => t.GetProperty("type").GetString() == "session"
                ? $"session@{t.GetProperty("ts").GetDateTimeOffset().ToUnixTimeMilliseconds()}" : $"contact@{t.GetProperty("contact_id").GetString()}")))).ToList();
        Assert.Equal(expected, journey);
        Assert.Contains(journey, g => g.Item1 == "pre_purchase" && g.Item2 == "O2" && g.Item3.Contains($"session@{o1 + 35 * Day}"));
        Assert.Contains(journey, g => g.Item1 == "open");
    }

    async Task WaitForLinkAsync(string site, string vid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var n = await QueryAsync(api, Analytics.Storage.Sql.Query($"SELECT count() AS n FROM identity_links WHERE site_id = {site} AND visitor_id = {vid}"));
            if (Long(n[0], "n") > 0) return;
            await Task.Delay(50);
        }
        Assert.Fail($"The CRM link of {vid} was not stored.");
    }

    [Fact]
    public async Task On_a_shared_device_each_customer_gets_the_sessions_and_events_of_its_own_links()
    {
        var (key, site) = await NewSiteAsync(api);
        var t = Now - 20 * Day;
        var hour = 60 * Minute;
        EventRow[] events =
        [
            Event(site, "family", t - 3 * hour, path: "/anon"),        // before any link: the earliest link's (anna)
            Event(site, "family", t + hour, path: "/anna"),
            Event(site, "family", t + 5 * hour, path: "/bob"),         // after bob's link
            Event(site, "family", t + 9 * hour, path: "/anna-again"),  // after anna links again
            Event(site, "bobs-phone", t + 6 * hour, path: "/bob-phone"),
        ];
        IdentityLinkRow[] links = [Link(site, "family", "anna", t), Link(site, "family", "bob", t + 4 * hour), Link(site, "family", "anna", t + 8 * hour),
            Link(site, "bobs-phone", "bob", t)];
        await InsertAsync(api.ClickHouse, events);
        await InsertAsync(api.ClickHouse, links);

        foreach (var customer in new[] { "anna", "bob" })
        {
            var view = await ViewAsync(api, key, customer);
            var mine = events.Where(e => Person(e.Vid, e.TsMs, links) == customer).ToList();
            Assert.Equal(mine.Select(e => e.TsMs).OrderDescending(), SessionStarts(view)); // each event here is a session of its own
            var timeline = view.GetProperty("timeline").GetProperty("items").EnumerateArray().Select(i => i.GetProperty("path").GetString()).ToList();
            Assert.Equal(mine.OrderByDescending(e => e.TsMs).Select(e => e.Path), timeline);
        }
    }

    [Fact]
    public async Task Every_timeline_page_holds_the_newest_events_also_where_sessions_of_two_devices_overlap()
    {
        var (key, site) = await NewSiteAsync(api);
        var midnight = (Now / Day - 3) * Day; // a UTC midnight
        // A laptop session over midnight, a page every 20 minutes from 23:00 to 00:40; a phone session at 23:50 inside it;
        // an older phone session. The phone session starts last, yet the newest events are the laptop's after midnight.
        var events = Enumerable.Range(0, 6).Select(i => Event(site, "laptop", midnight - 60 * Minute + i * 20 * Minute, path: $"/laptop{i}"))
            .Append(Event(site, "phone", midnight - 10 * Minute, path: "/phone-a")).Append(Event(site, "phone", midnight - 9 * Minute, path: "/phone-b"))
            .Append(Event(site, "phone", midnight - 2 * Day, path: "/phone-old")).ToList();
        var t = midnight - 3 * Day;
        await InsertAsync(api.ClickHouse, events);
        await InsertAsync(api.ClickHouse, [Link(site, "laptop", "C7", t), Link(site, "phone", "C7", t)]);
        var newestFirst = events.OrderByDescending(e => e.TsMs).Select(e => e.Path).ToList();

        foreach (var size in new[] { 1, 2, 3, 4, 5 })
            for (var page = 1; (page - 1) * size < newestFirst.Count; page++)
            {
                var timeline = (await ViewAsync(api, key, "C7", $"&timeline_page={page}&timeline_page_size={size}")).GetProperty("timeline");
                Assert.Equal(newestFirst.Count, timeline.GetProperty("total").GetInt64());
                Assert.Equal(newestFirst.Skip((page - 1) * size).Take(size),
                    timeline.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("path").GetString()));
            }
    }

    [Fact]
    public async Task Members_with_the_service_role_read_the_view_strangers_get_404_and_privacy_officers_403()
    {
        var (key, site) = await NewSiteAsync(api);
        await ImportAsync(api, "customers", key, Json(new { customer_id = "C9", name = "Nine" }), "application/json");
        var service = await Users.CreateAsync(api, "service");
        var stranger = await Users.CreateAsync(api, "marketer");
        var officer = await Users.CreateAsync(api, "privacy_officer");
        await Users.AddMemberAsync(api, key, service.Id);
        await Users.AddMemberAsync(api, key, officer.Id);

        Assert.Equal(HttpStatusCode.OK, (await api.As(service.Token).GetAsync($"/api/customers/C9?site={key}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.As(service.Token).GetAsync($"/api/customers?site={key}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.As(stranger.Token).GetAsync($"/api/customers/C9?site={key}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As(officer.Token).GetAsync($"/api/customers/C9?site={key}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As(officer.Token).GetAsync($"/api/customers?site={key}")).StatusCode);

        var unknown = await api.As(service.Token).GetAsync($"/api/customers/nobody?site={key}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal("id", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());

        foreach (var (query, field) in new[] { ("sessions_page=0", "sessions_page"), ("timeline_page_size=201", "timeline_page_size"), ("from=yesterday", "from") })
        {
            var bad = await api.Admin().GetAsync($"/api/customers/C9?site={key}&{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(field, (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }
}

public sealed class CustomerViewTestsEmbedded(EmbeddedApi api) : CustomerViewTests(api), IClassFixture<EmbeddedApi>;
public sealed class CustomerViewTestsServer(ServerApi api) : CustomerViewTests(api), IClassFixture<ServerApi>;
