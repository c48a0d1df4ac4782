using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sites;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Privacy;

/// <summary>GET /api/privacy/consents and /api/privacy/audit on both engines: answers, refusals, and the audit of every read.</summary>
public abstract class PrivacyReadsTests(ApiFactory api)
{
    sealed record ProofFixture(string Vid, DateTimeOffset At, bool Analytics, bool Marketing);

    async Task<(string Key, string Id, Users.Created Officer)> SiteWithOfficerAsync()
    {
        var key = await api.CreateSiteAsync("privacy.example");
        var officer = await Users.CreateAsync(api, "privacy_officer");
        await Users.AddMemberAsync(api, key, officer.Id);
        return (key, await api.SiteIdAsync(key), officer);
    }

    async Task<List<JsonElement>> AuditRowsAsync(string siteId, string action) =>
        await api.ClickHouse.QueryListAsync(Sql.Query($"""
            SELECT user_id, role, action, subject, result, detail FROM privacy_audit WHERE site_id = {siteId} AND action = {action}
            """), StorageJson.Default.JsonElement);

    [Fact]
    public async Task The_consent_history_of_a_customer_holds_every_linked_device_newest_first_with_the_latest_state_and_is_audited()
    {
        var (key, siteId, officer) = await SiteWithOfficerAsync();
        var otherSiteId = await api.SiteIdAsync(await api.CreateSiteAsync("other.example"));
        var customer = "cust-" + Guid.NewGuid().ToString("N")[..8];
        var (linked, inCrm, stranger) = ("v-linked-" + customer, "v-crm-" + customer, "v-other-" + customer);
        await PrivacyRows.LinkAsync(api, siteId, linked, customer, DateTimeOffset.UtcNow.AddDays(-5));
        await PrivacyRows.CustomerAsync(api, siteId, customer, [inCrm]);
        var now = PrivacyRows.Seconds(DateTimeOffset.UtcNow);
        ProofFixture[] proofs =
        [
            new(linked, now.AddDays(-4), true, true), new(inCrm, now.AddDays(-3), true, false), new(linked, now.AddDays(-2), false, false),
            new(inCrm, now.AddDays(-1), true, false), new(stranger, now.AddHours(-1), true, true),
        ];
        foreach (var p in proofs) await PrivacyRows.ConsentAsync(api, siteId, p.Vid, p.At, p.Analytics, p.Marketing);
        await PrivacyRows.ConsentAsync(api, otherSiteId, linked, now.AddMinutes(-5), true, true); // another site's proof

        var response = await api.As(officer.Token).GetAsync($"/api/privacy/consents?site={key}&customer_id={customer}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var expected = proofs.Where(p => p.Vid != stranger).OrderByDescending(p => p.At).ToList();
        var got = body.GetProperty("proofs").EnumerateArray().ToList();
        Assert.Equal(expected.Select(p => (p.Vid, p.At, p.Analytics, p.Marketing)), got.Select(g => (g.GetProperty("visitor_id").GetString()!,
            g.GetProperty("received_at").GetDateTimeOffset(), g.GetProperty("purposes").GetProperty("analytics").GetBoolean(),
            g.GetProperty("purposes").GetProperty("marketing").GetBoolean())));
        Assert.Equal(new[] { inCrm, linked }.Order(), body.GetProperty("visitor_ids").EnumerateArray().Select(v => v.GetString()!).Order());
        var latest = body.GetProperty("latest");
        Assert.Equal(expected[0].Analytics, latest.GetProperty("analytics").GetProperty("granted").GetBoolean());
        Assert.Equal(expected[0].Marketing, latest.GetProperty("marketing").GetProperty("granted").GetBoolean());
        Assert.Equal(expected[0].At, latest.GetProperty("marketing").GetProperty("at").GetDateTimeOffset());

        var byVisitor = await api.As(officer.Token).GetFromJsonAsync<JsonElement>($"/api/privacy/consents?site={key}&visitor_id={linked}");
        Assert.Equal(proofs.Count(p => p.Vid == linked), byVisitor.GetProperty("proofs").GetArrayLength());

        var pseudonyms = api.Services.GetRequiredService<PrivacyAudit>();
        var reads = await AuditRowsAsync(siteId, "consents.read");
        Assert.Equal(2, reads.Count);
        Assert.Contains(reads, r => r.GetProperty("subject").GetString() == pseudonyms.Pseudonym(new SubjectRef(SubjectKey.Customer, customer)));
        Assert.Contains(reads, r => r.GetProperty("subject").GetString() == pseudonyms.Pseudonym(new SubjectRef(SubjectKey.Visitor, linked)));
        Assert.All(reads, r => Assert.Equal((officer.Id, "privacy_officer"), (r.GetProperty("user_id").GetString(), r.GetProperty("role").GetString())));
        Assert.DoesNotContain(reads, r => r.GetRawText().Contains(customer));
    }

    [Theory]
    [InlineData("", "customer_id")]
    [InlineData("&customer_id=c1&visitor_id=v1", "visitor_id")]
    public async Task The_consent_history_needs_exactly_one_subject_id(string subject, string field)
    {
        var (key, _, officer) = await SiteWithOfficerAsync();
        var response = await api.As(officer.Token).GetAsync($"/api/privacy/consents?site={key}{subject}");
        await AssertProblemAsync(response, field);
        await AssertProblemAsync(await api.As(officer.Token).GetAsync("/api/privacy/consents?customer_id=c1"), "site");
    }

    [Fact]
    public async Task The_audit_log_pages_newest_first_within_the_period_and_its_read_is_audited()
    {
        var (key, siteId, officer) = await SiteWithOfficerAsync();
        var from = PrivacyRows.Seconds(DateTimeOffset.UtcNow.AddDays(-10));
        var times = Enumerable.Range(0, 7).Select(i => from.AddHours(i * 7)).ToList();
        foreach (var (at, i) in times.Select((t, i) => (t, i))) await PrivacyRows.AuditAsync(api, siteId, at, $"request.access.{i}");
        await PrivacyRows.AuditAsync(api, siteId, from.AddDays(-1), "before.the.period");
        var to = from.AddDays(3);

        var response = await api.As(officer.Token).GetAsync($"/api/privacy/audit?site={key}&from={Iso(from)}&to={Iso(to)}&page=2&page_size=3");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var expected = times.Select((t, i) => (At: t, Action: $"request.access.{i}")).Where(e => e.At >= from && e.At < to)
            .OrderByDescending(e => e.At).Skip(3).Take(3).ToList();
        Assert.Equal(times.Count, body.GetProperty("total").GetInt64());
        var entries = body.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Action), entries.Select(e => e.GetProperty("what").GetProperty("action").GetString()));
        Assert.Equal(expected.Select(e => e.At), entries.Select(e => e.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal(("u-1", "privacy_officer"), (entries[0].GetProperty("who").GetProperty("user_id").GetString(), entries[0].GetProperty("who").GetProperty("role").GetString()));

        var read = Assert.Single(await AuditRowsAsync(siteId, "audit.read"));
        Assert.Equal(officer.Id, read.GetProperty("user_id").GetString());
        var latest = await api.As(officer.Token).GetFromJsonAsync<JsonElement>($"/api/privacy/audit?site={key}");
        Assert.Equal("audit.read", latest.GetProperty("entries")[0].GetProperty("what").GetProperty("action").GetString()); // the default period ends now
    }

    [Theory]
    [InlineData("&from=yesterday", "from")]
    [InlineData("&to=2026-13-01", "to")]
    [InlineData("&from=2026-02-01&to=2026-01-01", "from")]
    [InlineData("&page=0", "page")]
    [InlineData("&page_size=1001", "page_size")]
    public async Task A_bad_audit_parameter_is_a_problem_naming_it(string query, string field)
    {
        var (key, _, officer) = await SiteWithOfficerAsync();
        await AssertProblemAsync(await api.As(officer.Token).GetAsync($"/api/privacy/audit?site={key}{query}"), field);
    }

    [Fact]
    public async Task A_marketer_is_refused_and_an_officer_of_another_site_sees_neither_its_consents_nor_its_audit()
    {
        var (mine, _, officer) = await SiteWithOfficerAsync();
        var (theirs, theirId, _) = await SiteWithOfficerAsync();
        await PrivacyRows.ConsentAsync(api, theirId, "v-theirs", DateTimeOffset.UtcNow, true, true);
        var marketer = await Users.CreateAsync(api, "marketer");
        await Users.AddMemberAsync(api, mine, marketer.Id);
        string[] paths = [$"/api/privacy/consents?site={{0}}&visitor_id=v-theirs", "/api/privacy/audit?site={0}"];

        foreach (var path in paths)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await api.As(marketer.Token).GetAsync(string.Format(path, mine))).StatusCode);
            var refused = await api.As(officer.Token).GetAsync(string.Format(path, theirs));
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.OK, (await api.As(officer.Token).GetAsync(string.Format(path, mine))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.Admin().GetAsync(string.Format(path, theirs))).StatusCode);
        }
    }

    static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    static async Task AssertProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }
}

public sealed class PrivacyReadsTestsEmbedded(EmbeddedApi api) : PrivacyReadsTests(api), IClassFixture<EmbeddedApi>;
public sealed class PrivacyReadsTestsServer(ServerApi api) : PrivacyReadsTests(api), IClassFixture<ServerApi>;
