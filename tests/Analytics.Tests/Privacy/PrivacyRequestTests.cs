using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Privacy.Registry;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sites;
using static Analytics.Tests.Privacy.PrivacySubjects;

namespace Analytics.Tests.Privacy;

/// <summary>
/// Access and erasure requests end to end on both engines (issue 18): a subject with events on two devices, identified
/// on one, with a consent, an order, a contact, a CRM profile and a stored session; another subject beside it.
/// </summary>
public abstract class PrivacyRequestTests(ApiFactory api)
{
    async Task<HttpClient> OfficerAsync(string key)
    {
        var officer = await Users.CreateAsync(api, "privacy_officer");
        await Users.AddMemberAsync(api, key, officer.Id);
        return api.As(officer.Token);
    }

    async Task<List<JsonElement>> AuditAsync(string site) => await api.ClickHouse.QueryListAsync(Sql.Query($"""
        SELECT user_id, role, action, request_id, subject, result, detail FROM privacy_audit WHERE site_id = {site} ORDER BY at, action
        """), StorageJson.Default.JsonElement);

    [Fact]
    public async Task An_access_export_holds_every_row_of_the_subject_in_every_table_and_nothing_of_another()
    {
        var (key, site) = await SeedAsync(api);
        var officer = await OfficerAsync(key);
        var before = DateTimeOffset.UtcNow;

        var created = await CreateAsync(officer, new { type = "access", site = key, customer_id = Ann, reference = "ticket 42" });
        Assert.Equal("queued", created.GetProperty("status").GetString());
        var due = created.GetProperty("due").GetDateTimeOffset();
        Assert.InRange(due, before.AddDays(30).AddSeconds(-2), DateTimeOffset.UtcNow.AddDays(30).AddSeconds(1));
        var id = created.GetProperty("id").GetString()!;
        var done = await WaitDoneAsync(officer, id);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.True(!done.TryGetProperty("tombstones", out var tombstones) || tombstones.ValueKind == JsonValueKind.Null, "an access request has no tombstones");
        var found = Tables(done);
        Assert.Equal(PersonalDataRegistry.PersonalTables.Select(t => t.Table).Order(), found.Keys.Order());
        Assert.Equal(Events[AnnPhone] + Events[AnnLaptop], found["events"].GetProperty("found").GetInt64());
        foreach (var table in new[] { "customers", "orders", "contacts", "consents", "sessions" })
            Assert.True(found[table].GetProperty("found").GetInt64() == 1, $"{table}: {found[table]}");
        Assert.Equal(2, found["identity_links"].GetProperty("found").GetInt64()); // the identify and the CRM profile's

        var response = await officer.GetAsync($"/api/privacy/requests/{id}/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var export = JsonDocument.Parse(text).RootElement;
        var tables = export.GetProperty("tables");
        // The events ordered by visitor are the events' rows again: counted and erased, exported once, as the events.
        Assert.Equal(Events[AnnPhone] + Events[AnnLaptop], found[PersonalDataRegistry.EventsByVisitor].GetProperty("found").GetInt64());
        var exported = PersonalDataRegistry.PersonalTables.Select(t => t.Table).Where(t => !PersonalDataRegistry.IsCopy(t)).ToList();
        Assert.Equal(exported, tables.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Events[AnnPhone] + Events[AnnLaptop], tables.GetProperty("events").GetArrayLength());
        Assert.All(tables.GetProperty("events").EnumerateArray(), e => Assert.Contains(e.GetProperty("vid").GetString(), new[] { AnnPhone, AnnLaptop }));
        foreach (var table in new[] { "customers", "orders", "contacts", "consents" })
            Assert.True(tables.GetProperty(table).GetArrayLength() == 1, $"{table}: {tables.GetProperty(table)}");
        Assert.Equal([AnnLaptop, AnnPhone], tables.GetProperty("identity_links").EnumerateArray().Select(l => l.GetProperty("visitor_id").GetString()).Order());
        Assert.Equal("ann@example.com", tables.GetProperty("customers")[0].GetProperty("email").GetString());
        // Sessions as the product shows them (computed at query time where not stored): one per device, both Ann's.
        var sessions = tables.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal([AnnLaptop, AnnPhone], sessions.Select(s => s.GetProperty("visitor_id").GetString()).Order());
        Assert.All(sessions, s => Assert.Equal(Ann, s.GetProperty("person").GetString()));
        // Bob's ids, email, order, contact and name; not a bare "bob", which a random site key can hold.
        foreach (var bobs in new[] { Bob, BobPhone, "bob@example.com", "O-bob", "K-bob", "\"bob\"" })
            Assert.DoesNotContain(bobs, text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cookieless", export.GetProperty("notice").GetString());

        var zip = await officer.GetAsync($"/api/privacy/requests/{id}/export?format=csv");
        Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
        using var archive = new ZipArchive(await zip.Content.ReadAsStreamAsync());
        Assert.Equal(exported.Select(t => t + ".csv").Append("README.txt").Order(), archive.Entries.Select(e => e.FullName).Order());
        using (var events = new StreamReader(archive.GetEntry("events.csv")!.Open()))
        {
            var lines = (await events.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(1 + Events[AnnPhone] + Events[AnnLaptop], lines.Length);
            Assert.Contains("vid", lines[0].Split(','));
        }

        var audit = await AuditAsync(site);
        Assert.Equal(["export.download completed", "export.download completed", "request.access completed", "request.access queued"],
            audit.Where(a => a.GetProperty("action").GetString() != "request.read")
                .Select(a => $"{a.GetProperty("action").GetString()} {a.GetProperty("result").GetString()}").Order());
        Assert.Contains(audit, a => a.GetProperty("action").GetString() == "request.read" && a.GetProperty("result").GetString() == "completed"
            && a.GetProperty("user_id").GetString() != "system"); // reading the status is a privacy read too
        Assert.All(audit, a => Assert.Equal(id, a.GetProperty("request_id").GetString()));
        Assert.Single(audit.Select(a => a.GetProperty("subject").GetString()).Distinct());
        Assert.All(audit, a => Assert.DoesNotContain("ann", a.GetRawText(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task An_erasure_removes_every_id_of_the_subject_from_every_table_verified_and_leaves_others_untouched()
    {
        var (key, site) = await SeedAsync(api);
        var officer = await OfficerAsync(key);
        var before = await AllRowsAsync(api, site);
        Assert.Contains(before["events"], r => r.Contains(AnnPhone));
        Assert.Contains(before["sessions"], r => r.Contains(AnnLaptop));
        Assert.Contains(before[PersonalDataRegistry.EventsByVisitor], r => r.Contains(AnnPhone)); // the copy ordered by visitor, filled on insert

        var id = (await CreateAsync(officer, new { type = "erasure", site = key, customer_id = Ann })).GetProperty("id").GetString()!;
        var done = await WaitDoneAsync(officer, id);
        Assert.True(done.GetProperty("status").GetString() == "completed", done.ToString());
        var tables = Tables(done);
        Assert.Equal(Events[AnnPhone] + Events[AnnLaptop], tables["events"].GetProperty("deleted").GetInt64());
        Assert.Equal(Events[AnnPhone] + Events[AnnLaptop], tables[PersonalDataRegistry.EventsByVisitor].GetProperty("deleted").GetInt64());
        Assert.All(tables.Values, t => Assert.Equal(0, t.GetProperty("remaining").GetInt64()));
        Assert.All(tables.Values, t => Assert.Equal(t.GetProperty("found").GetInt64(), t.GetProperty("deleted").GetInt64()));
        // Its tombstones: one per id of the subject, written before the deletes, so at or before the completion.
        var tombstones = done.GetProperty("tombstones");
        Assert.Equal(AnnIds.Length, tombstones.GetProperty("count").GetInt64());
        Assert.True(tombstones.GetProperty("erased_at").GetDateTimeOffset() <= done.GetProperty("updated_at").GetDateTimeOffset(), done.ToString());

        var after = await AllRowsAsync(api, site);
        foreach (var (table, rows) in after)
        {
            Assert.DoesNotContain(rows, r => AnnIds.Any(r.Contains));
            Assert.Equal(before[table].Where(r => !AnnIds.Any(r.Contains)).Order(), rows.Order()); // Bob's rows, each as it was
        }
        Assert.Contains(after["events"], r => r.Contains(BobPhone));
        Assert.Contains(after[PersonalDataRegistry.EventsByVisitor], r => r.Contains(BobPhone));

        // The same request again is harmless: nothing left to find, completed again.
        var again = await WaitDoneAsync(officer, (await CreateAsync(officer, new { type = "erasure", site = key, customer_id = Ann })).GetProperty("id").GetString()!);
        Assert.Equal("completed", again.GetProperty("status").GetString());
        Assert.All(Tables(again).Where(t => t.Key != "privacy_request_subjects").Select(t => t.Value), t => Assert.Equal(0, t.GetProperty("found").GetInt64()));
        Assert.Equal(after.Values.Sum(r => r.Count), (await AllRowsAsync(api, site)).Values.Sum(r => r.Count));

        var audit = await AuditAsync(site);
        Assert.Contains(audit, a => a.GetProperty("action").GetString() == "request.erasure" && a.GetProperty("result").GetString() == "completed"
            && a.GetProperty("request_id").GetString() == id && a.GetProperty("detail").GetString()!.Contains("events: 6 found, 6 deleted, 0 remaining"));
        Assert.All(audit, a => Assert.DoesNotContain("ann", a.GetRawText(), StringComparison.OrdinalIgnoreCase));
        // The request's export is gone with the subject's ids.
        Assert.Equal(HttpStatusCode.Conflict, (await officer.GetAsync($"/api/privacy/requests/{id}/export")).StatusCode);
    }

    [Fact]
    public async Task A_visitor_id_alone_is_a_subject_of_its_own()
    {
        var (key, site) = await SeedAsync(api);
        var officer = await OfficerAsync(key);
        var id = (await CreateAsync(officer, new { type = "erasure", site = key, visitor_id = AnnPhone })).GetProperty("id").GetString()!;
        Assert.Equal("completed", (await WaitDoneAsync(officer, id)).GetProperty("status").GetString());
        var after = await AllRowsAsync(api, site);
        Assert.DoesNotContain(after.Values.SelectMany(r => r), r => r.Contains(AnnPhone));
        Assert.Contains(after["events"], r => r.Contains(AnnLaptop)); // her other device is another id: not asked for
        Assert.Contains(after["customers"], r => r.Contains(Ann));
    }

    [Fact]
    public async Task An_access_export_after_an_erasure_of_the_subject_is_gone()
    {
        var (key, _) = await SeedAsync(api);
        var officer = await OfficerAsync(key);
        var access = (await CreateAsync(officer, new { type = "access", site = key, visitor_id = BobPhone })).GetProperty("id").GetString()!;
        await WaitDoneAsync(officer, access);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/privacy/requests/{access}/export")).StatusCode);
        await WaitDoneAsync(officer, (await CreateAsync(officer, new { type = "erasure", site = key, customer_id = Bob })).GetProperty("id").GetString()!);
        Assert.Equal(HttpStatusCode.Gone, (await officer.GetAsync($"/api/privacy/requests/{access}/export")).StatusCode);
    }

    [Fact]
    public async Task Rows_of_an_erased_id_that_reach_the_spool_afterwards_dated_before_the_erasure_are_never_stored()
    {
        var key = await api.CreateSiteAsync("tombstone.example");
        var site = await api.SiteIdAsync(key);
        var officer = await OfficerAsync(key);
        var erased = await WaitDoneAsync(officer, (await CreateAsync(officer, new { type = "erasure", site = key, visitor_id = "gone-v" })).GetProperty("id").GetString()!);
        Assert.Equal("completed", erased.GetProperty("status").GetString());

        // An import of history (through the events spool) still holding the erased visitor, beside another one.
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var lines = string.Concat(new[] { "gone-v", "gone-v", "kept-v" }.Select((vid, i) => JsonSerializer.Serialize(new
        {
            type = "pageview", url = $"https://tombstone.example/{i}", ts = hourAgo + i, vid, consent = new { analytics = true },
            ip = "203.0.113.9", user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        }) + "\n"));
        await Analytics.Tests.Import.ImportClient.PostAsync(api, $"/api/import/events?site={key}", Analytics.Tests.Import.ImportClient.Text(lines, "application/x-ndjson"));
        await api.WaitForRowsAsync(Sql.Query($"site_id = {site} AND vid = 'kept-v'"), 1);
        // The person comes back after the erasure: that is new data, stored. Times are whole seconds: the erasure's own second counts as before it.
        var erasureDone = erased.GetProperty("updated_at").GetDateTimeOffset().ToUnixTimeSeconds();
        await Eventually.UntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() > erasureDone, TimeSpan.FromSeconds(5), "a second after the erasure");
        var visit = JsonSerializer.Serialize(new { site = key, events = new[] { new { type = "pageview", url = "https://tombstone.example/again", vid = "gone-v", consent = new { analytics = true } } } });
        Assert.Equal(HttpStatusCode.Accepted, (await api.CreateClient().PostAsync("/api/collect", new StringContent(visit, Encoding.UTF8, "application/json"))).StatusCode);
        await api.WaitForRowsAsync(Sql.Query($"site_id = {site} AND vid = 'gone-v'"), 1);
        var stored = await api.ClickHouse.QueryListAsync(Sql.Query($"SELECT vid, path, toUInt32(ts) AS ts FROM events WHERE site_id = {site} ORDER BY ts"), StorageJson.Default.JsonElement);
        Assert.True(stored.Count(r => r.GetProperty("vid").GetString() == "gone-v") == 1 && stored.Any(r => r.GetProperty("path").GetString() == "/again"),
            string.Join("; ", stored.Select(r => r.GetRawText())));
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("[]", "body")]
    [InlineData("{\"site\": \"SITE\", \"customer_id\": \"c\"}", "type")]
    [InlineData("{\"type\": \"delete\", \"site\": \"SITE\", \"customer_id\": \"c\"}", "type")]
    [InlineData("{\"type\": \"access\", \"customer_id\": \"c\"}", "site")]
    [InlineData("{\"type\": \"access\", \"site\": \"SITE\"}", "visitor_id")]
    [InlineData("{\"type\": \"access\", \"site\": \"SITE\", \"customer_id\": \"\"}", "customer_id")]
    [InlineData("{\"type\": \"access\", \"site\": \"SITE\", \"customer_id\": 7}", "customer_id")]
    [InlineData("{\"type\": \"access\", \"site\": \"SITE\", \"customer_id\": \"c\", \"visitor_id\": \"v\"}", "visitor_id")]
    [InlineData("{\"type\": \"access\", \"site\": \"SITE\", \"visitor_id\": \"v\", \"reference\": 5}", "reference")]
    public async Task A_bad_request_is_a_400_naming_the_field(string body, string field)
    {
        var key = await api.CreateSiteAsync("bad-privacy.example");
        var response = await api.Admin().PostAsync("/api/privacy/requests", new StringContent(body.Replace("SITE", key), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_marketer_is_refused_and_an_officer_of_one_site_cannot_see_another_sites_requests()
    {
        var (mine, theirs) = (await api.CreateSiteAsync("a-privacy.example"), await api.CreateSiteAsync("b-privacy.example"));
        var officer = await OfficerAsync(mine);
        var marketer = await Users.CreateAsync(api, "marketer");
        await Users.AddMemberAsync(api, mine, marketer.Id);
        var own = (await CreateAsync(officer, new { type = "access", site = mine, visitor_id = "v1" })).GetProperty("id").GetString()!;
        var other = (await CreateAsync(api.Admin(), new { type = "access", site = theirs, visitor_id = "v1" })).GetProperty("id").GetString()!;
        await WaitDoneAsync(api.Admin(), other);

        var asMarketer = api.As(marketer.Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await asMarketer.PostAsJsonAsync("/api/privacy/requests", new { type = "access", site = mine, visitor_id = "v1" })).StatusCode);
        foreach (var path in new[] { $"/api/privacy/requests?site={mine}", $"/api/privacy/requests/{own}", $"/api/privacy/requests/{own}/export" })
            Assert.Equal(HttpStatusCode.Forbidden, (await asMarketer.GetAsync(path)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsJsonAsync("/api/privacy/requests", new { type = "access", site = theirs, visitor_id = "v1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/privacy/requests?site={theirs}")).StatusCode);
        var stranger = await officer.GetAsync($"/api/privacy/requests/{other}");
        var unknown = await officer.GetAsync("/api/privacy/requests/0000000000000000000000000000dead");
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal(await Users.ProblemShapeAsync(unknown, "0000000000000000000000000000dead"), await Users.ProblemShapeAsync(stranger, other));
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/privacy/requests/{other}/export")).StatusCode);

        var list = await officer.GetFromJsonAsync<JsonElement>($"/api/privacy/requests?site={mine}");
        Assert.Equal([own], list.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/privacy/requests/{own}")).StatusCode);
    }

    [Fact]
    public async Task The_list_answers_a_sites_requests_of_a_status()
    {
        var key = await api.CreateSiteAsync("list-privacy.example");
        var first = (await CreateAsync(api.Admin(), new { type = "access", site = key, visitor_id = "v1" })).GetProperty("id").GetString()!;
        await WaitDoneAsync(api.Admin(), first);
        var list = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/privacy/requests?site={key}&status=completed");
        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal(first, only.GetProperty("id").GetString());
        Assert.False(only.GetProperty("overdue").GetBoolean());
        Assert.Empty((await api.Admin().GetFromJsonAsync<JsonElement>($"/api/privacy/requests?site={key}&status=failed")).EnumerateArray());
        var siteId = await api.SiteIdAsync(key);
        var lists = await api.ClickHouse.QueryListAsync(Analytics.Storage.Sql.Query($"""
            SELECT detail FROM privacy_audit WHERE site_id = {siteId} AND action = 'requests.list' ORDER BY detail
            """), Analytics.Storage.StorageJson.Default.JsonElement);
        Assert.Equal(["status completed: 1 requests", "status failed: 0 requests"], lists.Select(l => l.GetProperty("detail").GetString()));
        var bad = await api.Admin().GetAsync($"/api/privacy/requests?site={key}&status=done");
        Assert.Equal("status", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
    }
}

public sealed class PrivacyRequestTestsEmbedded(EmbeddedApi api) : PrivacyRequestTests(api), IClassFixture<EmbeddedApi>;
public sealed class PrivacyRequestTestsServer(ServerApi api) : PrivacyRequestTests(api), IClassFixture<ServerApi>;
