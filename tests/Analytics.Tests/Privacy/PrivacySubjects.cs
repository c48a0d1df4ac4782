using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Privacy.Registry;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Crm.CrmClient;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Privacy;

/// <summary>
/// Two customers of one site with data in every personal table: Ann (customer C-ann) with events on two devices, the
/// phone identified by a link and the laptop named by her CRM profile (a link too), a consent, an order, a contact and a stored
/// session; Bob (C-bob, bob-phone) with the same kinds of rows. Tests erase or export Ann and look at Bob.
/// </summary>
internal static class PrivacySubjects
{
    public const string Ann = "C-ann", AnnPhone = "ann-phone", AnnLaptop = "ann-laptop", Bob = "C-bob", BobPhone = "bob-phone";
    public static readonly string[] AnnIds = [Ann, AnnPhone, AnnLaptop];

    /// <summary>Events per visitor seeded (so tests can check counts).</summary>
    public static readonly Dictionary<string, int> Events = new() { [AnnPhone] = 3, [AnnLaptop] = 3, [BobPhone] = 2 };

    public static async Task<(string Key, string Site)> SeedAsync(ApiFactory api)
    {
        var key = await api.CreateSiteAsync("privacy.example");
        var site = await api.SiteIdAsync(key);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
        var events = new List<EventRow>();
        foreach (var (vid, count) in Events)
            for (var i = 0; i < count; i++) events.Add(Event(site, vid, now - 3 * 3600_000 + i * Minute, path: $"/{vid}/{i}"));
        var purchase = events.Last(e => e.Vid == AnnLaptop);
        (purchase.Type, purchase.OrderId, purchase.Revenue, purchase.Currency, purchase.CustomerId) = ("purchase", "O-ann", 20, "EUR", Ann);
        await InsertAsync(api.ClickHouse, events);
        await InsertAsync(api.ClickHouse, [Link(site, AnnPhone, Ann, now - 3600_000), Link(site, BobPhone, Bob, now - 3600_000)]);
        foreach (var (customer, visitor) in new[] { (Ann, AnnLaptop), (Bob, BobPhone) })
        {
            var name = customer[2..];
            await ImportAsync(api, "customers", key, Json(new { customer_id = customer, email = $"{name}@example.com", name, visitor_ids = new[] { visitor } }), "application/json");
            await ImportAsync(api, "orders", key, Json(new { order_id = "O-" + name, customer_id = customer, ts = now - 3600_000, revenue = 20.0, currency = "EUR", status = "paid" }), "application/json");
            await ImportAsync(api, "contacts", key, Json(new { contact_id = "K-" + name, customer_id = customer, ts = now - 3600_000, channel = "phone", direction = "inbound", kind = "service", subject = "hello", outcome = "ok" }), "application/json");
        }
        foreach (var vid in new[] { AnnPhone, BobPhone })
        {
            var body = JsonSerializer.Serialize(new { site = key, vid, purposes = new { analytics = true, marketing = false }, source = "banner" });
            var consent = await api.CreateClient().PostAsync("/api/consent", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, consent.StatusCode);
        }
        // A stored session as the refresh job writes them (docs/sessions.md "Stored sessions").
        await api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO sessions (site_id, visitor_id, start_ms, end_ms, events, pageviews, entry_path, exit_path, day, generation)
            SELECT {site}, arrayJoin([{AnnLaptop}, {BobPhone}]), {now - 3 * 3600_000}, {now - 3 * 3600_000 + 2 * Minute}, 3, 3, '/in', '/out',
                today(), 1
            """));
        await Eventually.UntilAsync(async () => await api.CountAsync(Sql.Query($"site_id = {site}")) == events.Count
            && await CountAsync(api, "consents", site) == 2
            && await CountAsync(api, "identity_links", site) == 3, TimeSpan.FromSeconds(30), "the seeded events, consents and links (Bob's CRM link is known already; Ann's laptop link comes through the link spool)");
        // A stored snapshot of the orders with their customers, as reports build them (Customers/CustomerOrderSnapshots).
        var snapshots = new Analytics.Customers.CustomerOrderSnapshots(api.ClickHouse,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Analytics.Customers.CustomerOrderSnapshots>.Instance);
        await snapshots.BuildAsync(site, await snapshots.VersionAsync(CancellationToken.None), CancellationToken.None);
        Assert.Equal(2, await CountAsync(api, Analytics.Privacy.Registry.PersonalDataRegistry.CustomerOrders, site));
        return (key, site);
    }

    public static async Task<long> CountAsync(ApiFactory api, string table, string site) =>
        (await api.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM {new SqlIdentifier(table)} WHERE site_id = {site}"),
            StorageJson.Default.CountRow))!.N;

    /// <summary>Every row of every personal table of the site, as JSON text per table: what an id could hide in.</summary>
    public static async Task<Dictionary<string, List<string>>> AllRowsAsync(ApiFactory api, string site)
    {
        var rows = new Dictionary<string, List<string>>();
        foreach (var table in PersonalDataRegistry.PersonalTables)
            rows[table.Table] = (await api.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM {new SqlIdentifier(table.Table)} WHERE site_id = {site}"),
                StorageJson.Default.JsonElement)).Select(r => r.GetRawText()).ToList();
        return rows;
    }

    public static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/privacy/requests", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Polls the request until it is completed or failed; returns its last state.</summary>
    public static async Task<JsonElement> WaitDoneAsync(HttpClient client, string id, TimeSpan? timeout = null)
    {
        JsonElement last = default;
        await Eventually.UntilAsync(async () =>
        {
            last = await client.GetFromJsonAsync<JsonElement>($"/api/privacy/requests/{id}");
            if (last.GetProperty("status").GetString() is "completed" or "failed") return true;
            await Task.Delay(200); // each read is audited: a few rows, not hundreds
            return false;
        }, timeout ?? TimeSpan.FromSeconds(90), $"request {id} done");
        return last;
    }

    public static Dictionary<string, JsonElement> Tables(JsonElement request) =>
        request.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("table").GetString()!);
}
