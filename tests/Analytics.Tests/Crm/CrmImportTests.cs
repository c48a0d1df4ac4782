using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Crm.CrmClient;

namespace Analytics.Tests.Crm;

/// <summary>POST /api/crm/customers|orders|contacts over real HTTP, on both engines.</summary>
public abstract class CrmImportTests(ApiFactory api)
{
    static readonly DateTimeOffset May1 = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Customers_from_json_are_stored_with_profile_attributes_consent_and_visitors()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var body = Json(
            new { customer_id = "C1", email = "ada@example.com", name = "Ada", segment = "vip", created_at = May1.ToUnixTimeMilliseconds(),
                  attributes = new Dictionary<string, object> { ["tier"] = "gold", ["stores"] = 3 }, marketing_consent = true,
                  marketing_consent_at = "2026-05-02T08:00:00Z", visitor_ids = new[] { "v-1", "v-2" } },
            new { customer_id = "C2", created_at = "2026-05-03T12:30:00+02:00" });

        var report = await ImportAsync(api, "customers", key, body, "application/json");

        Assert.Equal(2, Long(report, "rows_read"));
        Assert.Equal(2, Long(report, "upserted"));
        Assert.Empty(report.GetProperty("rejected").EnumerateArray());
        var rows = await QueryAsync(api, Sql.Query($"""
            SELECT customer_id, email, name, segment, toUnixTimestamp(created_at) AS created, attribute_keys, attribute_values,
                   marketing_consent, toUnixTimestamp(marketing_consent_at) AS consent_at, visitor_ids
            FROM customers FINAL WHERE site_id = {siteId} ORDER BY customer_id
            """));
        Assert.Equal(2, rows.Count);
        var ada = rows[0];
        Assert.Equal(("Ada", "ada@example.com", "vip"), (Str(ada, "name"), Str(ada, "email"), Str(ada, "segment")));
        Assert.Equal(May1.ToUnixTimeSeconds(), Long(ada, "created"));
        Assert.Equal(["tier", "stores"], ada.GetProperty("attribute_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["gold", "3"], ada.GetProperty("attribute_values").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(1, Long(ada, "marketing_consent"));
        Assert.Equal(new DateTimeOffset(2026, 5, 2, 8, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Long(ada, "consent_at"));
        Assert.Equal(["v-1", "v-2"], ada.GetProperty("visitor_ids").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(new DateTimeOffset(2026, 5, 3, 10, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Long(rows[1], "created"));
        Assert.Equal(0, Long(rows[1], "marketing_consent"));
    }

    [Fact]
    public async Task Visitor_ids_of_customers_become_crm_identity_links_at_the_customer_creation()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var csv = "customer_id,visitor_ids,created_at\nC1,v-1;v-2,2026-05-01T10:00:00Z\nC2,v-3,\n";
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await ImportAsync(api, "customers", key, csv, "text/csv");

        List<JsonElement> links = [];
        await Eventually.UntilAsync(async () =>
        {
            links = await QueryAsync(api, Sql.Query($"SELECT visitor_id, customer_id, toUnixTimestamp(linked_at) AS linked, source FROM identity_links WHERE site_id = {siteId} ORDER BY visitor_id"));
            return links.Count >= 3;
        }, TimeSpan.FromSeconds(30), "three CRM identity links");
        Assert.Equal([("v-1", "C1"), ("v-2", "C1"), ("v-3", "C2")], links.Select(l => (Str(l, "visitor_id"), Str(l, "customer_id"))));
        Assert.All(links, l => Assert.Equal("crm", Str(l, "source")));
        Assert.Equal(May1.ToUnixTimeSeconds(), Long(links[0], "linked"));
        Assert.InRange(Long(links[2], "linked"), before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1); // no created_at: the import time
    }

    [Fact]
    public async Task A_nightly_reimport_of_the_same_customers_adds_only_the_links_not_known_yet()
    {
        var (key, siteId) = await NewSiteAsync(api);
        await ImportAsync(api, "customers", key, "customer_id,visitor_ids\nC1,v-1;v-2\nC2,v-3\n", "text/csv");
        await WaitForLinksAsync(siteId, 3);

        await ImportAsync(api, "customers", key, "customer_id,visitor_ids\nC1,v-1;v-2;v-4\nC2,v-3\nC3,v-1\n", "text/csv");
        // v-4 of C1 and v-1 of C3 (a shared device) are new; the pairs known before are not linked again.
        await WaitForLinksAsync(siteId, 5);
        await ImportAsync(api, "customers", key, "customer_id,visitor_ids\nC9,v-9\n", "text/csv"); // a marker: the link writer has caught up
        await WaitForLinksAsync(siteId, 6);
        var pairs = await QueryAsync(api, Sql.Query($"SELECT visitor_id, customer_id FROM identity_links WHERE site_id = {siteId} ORDER BY customer_id, visitor_id"));
        Assert.Equal([("v-1", "C1"), ("v-2", "C1"), ("v-4", "C1"), ("v-3", "C2"), ("v-1", "C3"), ("v-9", "C9")], pairs.Select(p => (Str(p, "visitor_id"), Str(p, "customer_id"))));
    }

    async Task WaitForLinksAsync(string siteId, long count) =>
        await Eventually.UntilAsync(async () => (await QueryAsync(api, Sql.Query($"SELECT count() AS n FROM identity_links WHERE site_id = {siteId}")))
            .Single().GetProperty("n").GetInt64() >= count, TimeSpan.FromSeconds(30), $"{count} identity links");

    [Fact]
    public async Task An_import_of_several_batches_stores_every_row_and_every_link()
    {
        var (key, siteId) = await NewSiteAsync(api);
        const int customers = 12_345; // more than two batches of 5000: the batch in flight and the pending one
        var csv = new System.Text.StringBuilder("customer_id,visitor_ids\n");
        for (var i = 0; i < customers; i++) csv.Append($"C{i},v{i}\n");
        csv.Append("C7,\n"); // an upsert of a customer of the first batch, in the last

        var report = await ImportAsync(api, "customers", key, csv.ToString(), "text/csv");

        Assert.Equal((customers + 1, customers + 1), (Long(report, "rows_read"), Long(report, "upserted")));
        var stored = await QueryAsync(api, Sql.Query($"SELECT count() AS n, uniqExact(customer_id) AS ids, countIf(length(visitor_ids) = 0) AS without FROM customers FINAL WHERE site_id = {siteId}"));
        Assert.Equal((customers, customers, 1L), (Long(stored[0], "n"), Long(stored[0], "ids"), Long(stored[0], "without")));
        await Eventually.UntilAsync(async () => (await QueryAsync(api, Sql.Query($"SELECT count() AS n FROM identity_links WHERE site_id = {siteId}")))
            .Single().GetProperty("n").GetInt64() == customers, TimeSpan.FromSeconds(30), $"{customers} identity links");
    }

    [Fact]
    public async Task A_bad_row_among_good_ones_is_rejected_with_its_number_and_field_and_the_good_ones_are_stored()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var ts = May1.ToUnixTimeMilliseconds();
        var body = Json(
            new { order_id = "O1", customer_id = "C1", ts, revenue = 10.5, currency = "EUR" },
            new { order_id = "O2", ts, revenue = 5 },                                                  // 2: no customer_id
            new { order_id = "O3", customer_id = "C1", ts, revenue = "lots", currency = "euro" },      // 3: revenue and currency
            new { order_id = "O4", customer_id = "C2", ts = "2026-05-01T12:00:00Z", revenue = 7, currency = "usd",
                  items = new object[] { new { sku = "A", quantity = 2, price = 3.5 } } },
            new { order_id = "O5", customer_id = "C2", ts, items = new object[] { new { name = "no sku", quantity = 1, price = 1 } } }); // 5: items[0].sku

        var report = await ImportAsync(api, "orders", key, body, "application/json");

        Assert.Equal(5, Long(report, "rows_read"));
        Assert.Equal(2, Long(report, "upserted"));
        Assert.Equal(3, Long(report, "rejected_total"));
        var rejected = Rejected(report);
        Assert.Equal([2, 3, 5], rejected.Keys.Order());
        Assert.Equal(["customer_id"], rejected[2].Select(e => e.Field));
        Assert.Equal(["currency", "revenue"], rejected[3].Select(e => e.Field).Order());
        Assert.Equal(["items[0].sku"], rejected[5].Select(e => e.Field));
        var rows = await QueryAsync(api, Sql.Query($"SELECT order_id, revenue, currency, item_sku, item_quantity FROM orders FINAL WHERE site_id = {siteId} ORDER BY order_id"));
        Assert.Equal(["O1", "O4"], rows.Select(r => Str(r, "order_id")));
        Assert.Equal("USD", Str(rows[1], "currency"));
        Assert.Equal(["A"], rows[1].GetProperty("item_sku").EnumerateArray().Select(s => s.GetString()));

        var csv = "contact_id,customer_id,ts,channel\nK1,C1,2026-05-01T10:00:00Z,phone\nK2,C1,yesterday,fax\nK3,C1,1777629600000,email\n";
        var contacts = await ImportAsync(api, "contacts", key, csv, "text/csv");
        Assert.Equal((3, 2), (Long(contacts, "rows_read"), Long(contacts, "upserted")));
        Assert.Equal(["channel", "ts"], Rejected(contacts)[2].Select(e => e.Field).Order());
    }

    [Fact]
    public async Task The_same_id_twice_is_one_row_with_the_latest_values()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var ts = May1.ToUnixTimeMilliseconds();
        await ImportAsync(api, "orders", key, Json(new { order_id = "O1", customer_id = "C1", ts, revenue = 10, status = "paid" }), "application/json");
        await ImportAsync(api, "orders", key, Json(
            new { order_id = "O1", customer_id = "C1", ts, revenue = 12, status = "shipped" },
            new { order_id = "O2", customer_id = "C1", ts, revenue = 1 },
            new { order_id = "O2", customer_id = "C1", ts, revenue = 2 }), "application/json");
        await ImportAsync(api, "orders", key, "order_id,customer_id,ts,revenue,status\nO1,C1,2026-05-01T10:00:00Z,12,returned\n", "text/csv");

        var rows = await QueryAsync(api, Sql.Query($"SELECT order_id, revenue, status FROM orders FINAL WHERE site_id = {siteId} ORDER BY order_id"));
        Assert.Equal([("O1", 12.0, "returned"), ("O2", 2.0, "")], rows.Select(r => (Str(r, "order_id"), Double(r, "revenue"), Str(r, "status"))));
    }

    [Fact]
    public async Task Csv_cells_keep_commas_quotes_and_line_breaks_and_map_columns_become_attributes()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var csv = "contact_id,customer_id,ts,channel,direction,kind,subject,outcome,cost\r\n" +
                  "K1,C1,2026-05-01T10:00:00Z,Phone,inbound,complaint,\"Parcel late, \"\"again\"\"\",\"line one\nline two\",4.5\r\n" +
                  "K2,C1,2026-05-01T11:00:00Z,email,outbound,campaign,plain,,\r\n";
        var report = await ImportAsync(api, "contacts", key, csv, "text/csv");
        Assert.Equal(2, Long(report, "upserted"));
        var rows = await QueryAsync(api, Sql.Query($"SELECT contact_id, channel, direction, kind, subject, outcome, cost FROM contacts FINAL WHERE site_id = {siteId} ORDER BY contact_id"));
        Assert.Equal("Parcel late, \"again\"", Str(rows[0], "subject"));
        Assert.Equal("line one\nline two", Str(rows[0], "outcome"));
        Assert.Equal(("phone", "inbound", "complaint", 4.5), (Str(rows[0], "channel"), Str(rows[0], "direction"), Str(rows[0], "kind"), Double(rows[0], "cost")));
        Assert.Equal("plain", Str(rows[1], "subject"));

        var customers = "customer_id,name,attributes.tier,attributes.city,attributes\nC1,\"Lovelace, Ada\",gold,,\"{\"\"since\"\": \"\"2019\"\"}\"\n";
        await ImportAsync(api, "customers", key, customers, "text/csv");
        var customer = Assert.Single(await QueryAsync(api, Sql.Query($"SELECT name, attribute_keys, attribute_values FROM customers FINAL WHERE site_id = {siteId}")));
        Assert.Equal("Lovelace, Ada", Str(customer, "name"));
        Assert.Equal(["since", "tier"], customer.GetProperty("attribute_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["2019", "gold"], customer.GetProperty("attribute_values").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task Order_items_come_as_a_json_cell_in_csv_and_a_gzip_body_is_read()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var csv = "order_id,customer_id,ts,currency,cost_of_goods,items\n" +
                  "O1,C1,2026-05-01T10:00:00Z,EUR,4,\"[{\"\"sku\"\": \"\"A\"\", \"\"name\"\": \"\"Mug\"\", \"\"category\"\": \"\"Kitchen\"\", \"\"quantity\"\": 2, \"\"price\"\": 3.5}, {\"\"sku\"\": \"\"B\"\", \"\"quantity\"\": 1, \"\"price\"\": 1}]\"\n" +
                  "O2,C1,2026-05-01T10:00:00Z,EUR,,not json\n";
        var report = await ImportAsync(api, "orders", key, csv, "text/csv", gzip: true);
        Assert.Equal((2, 1), (Long(report, "rows_read"), Long(report, "upserted")));
        Assert.Equal(["items"], Rejected(report)[2].Select(e => e.Field));
        var order = Assert.Single(await QueryAsync(api, Sql.Query($"""
            SELECT revenue, cost_of_goods, has_cost_of_goods, item_sku, item_name, item_category, item_quantity, item_price
            FROM orders FINAL WHERE site_id = {siteId}
            """)));
        Assert.Equal(8.0, Double(order, "revenue")); // no revenue given: the items' sum
        Assert.Equal((4.0, 1L), (Double(order, "cost_of_goods"), Long(order, "has_cost_of_goods")));
        Assert.Equal(["Mug", ""], order.GetProperty("item_name").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["Kitchen", ""], order.GetProperty("item_category").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal([2.0, 1.0], order.GetProperty("item_quantity").EnumerateArray().Select(s => s.GetDouble()));
        Assert.Equal([3.5, 1.0], order.GetProperty("item_price").EnumerateArray().Select(s => s.GetDouble()));
    }

    [Fact]
    public async Task A_malformed_csv_row_is_rejected_and_a_missing_id_column_or_broken_json_is_a_problem()
    {
        var (key, _) = await NewSiteAsync(api);
        var csv = "contact_id,customer_id,ts,channel\nK1,C1,2026-05-01T10:00:00Z,phone\nK2,C\"1,2026-05-01T10:00:00Z,phone\nK3,C1,2026-05-01T10:00:00Z,chat\n";
        var report = await ImportAsync(api, "contacts", key, csv, "text/csv");
        Assert.Equal((3, 2), (Long(report, "rows_read"), Long(report, "upserted")));
        Assert.Equal([2], Rejected(report).Keys);

        var noId = await api.Admin().PostAsync($"/api/crm/contacts?site={key}", Import.ImportClient.Text("customer_id,ts\nC1,1\n", "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Equal("contact_id", (await noId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());

        // A quote that is never closed would swallow the rest of the body as one cell: past 1 MB it is a 400.
        var runaway = "contact_id,customer_id,ts,channel\nK1,C1,2026-05-01T10:00:00Z,phone\nK2,\"C1,2026-05-01T10:00:00Z,phone\n" +
                      string.Concat(Enumerable.Repeat("K3,C1,2026-05-01T10:00:00Z,phone\n", 40_000));
        var swallowed = await api.Admin().PostAsync($"/api/crm/contacts?site={key}", Import.ImportClient.Text(runaway, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, swallowed.StatusCode);
        Assert.Equal("body", (await swallowed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());

        var broken = await api.Admin().PostAsync($"/api/crm/orders?site={key}", Import.ImportClient.Text("[{\"order_id\": \"O1\", ", "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("body", (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Another_content_type_is_415_an_unknown_site_404_and_roles_are_checked()
    {
        var (key, _) = await NewSiteAsync(api);
        var xml = await api.Admin().PostAsync($"/api/crm/customers?site={key}", Import.ImportClient.Text("<customers/>", "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        Assert.Equal("content-type", (await xml.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        var unknown = await api.Admin().PostAsync("/api/crm/customers?site=nope", Import.ImportClient.Text("[]", "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("site", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(api.CreateClient(), "orders", key, "[]", "application/json")).StatusCode);

        var (serviceId, serviceToken) = await UserAsync(api, "service");
        var service = api.CreateClient();
        service.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", serviceToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(service, "orders", key, "[]", "application/json")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(service, "customers", key, "[]", "application/json")).StatusCode);
        var privacy = api.CreateClient();
        privacy.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(api, "privacy_officer"));
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(privacy, "contacts", key, "[]", "application/json")).StatusCode);
        // The service role records contacts on a site it is a member of; another site is unknown to it.
        var contact = "contact_id,customer_id,ts,channel\nK1,C1,2026-05-01T10:00:00Z,phone\n";
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(service, "contacts", key, contact, "text/csv")).StatusCode);
        (await api.Admin().PostAsJsonAsync($"/api/sites/{key}/members", new { user_id = serviceId })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(service, "contacts", key, contact, "text/csv")).StatusCode);
    }
}

public sealed class CrmImportTestsEmbedded(EmbeddedApi api) : CrmImportTests(api), IClassFixture<EmbeddedApi>;
public sealed class CrmImportTestsServer(ServerApi api) : CrmImportTests(api), IClassFixture<ServerApi>;
