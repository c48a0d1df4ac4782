using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Identity;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Analytics.Tests.Identity.IdentifyLinkTests;
using static Analytics.Tests.Import.ImportClient;

namespace Analytics.Tests.Identity;

/// <summary>Signed identify: a site with an identify_secret accepts an identify only with its HMAC, on both engines.</summary>
public abstract class SignedIdentifyTests(ApiFactory api)
{
    const string Secret = "s3cret-of-the-shop-backend-0123456789";
    static readonly object Consented = new { analytics = true, marketing = false };

    /// <summary>The shop backend's side, written out here rather than through the service's own code.</summary>
    static string Sign(string secret, string customer) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(customer)));

    async Task<(string Key, string SiteId)> CreateSignedSiteAsync(string secret = Secret)
    {
        var response = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Signed shop", domains = new[] { "shop.example" }, identify_secret = secret });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var site = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(site.GetProperty("identify_signed").GetBoolean());
        return (site.GetProperty("key").GetString()!, site.GetProperty("id").GetString()!);
    }

    static IEnumerable<(int Index, string Field)> Rejections(JsonElement answer) =>
        answer.GetProperty("rejected").EnumerateArray().SelectMany(r => r.GetProperty("errors").EnumerateArray()
            .Select(e => (r.GetProperty("index").GetInt32(), e.GetProperty("field").GetString()!)));

    [Fact]
    public async Task Only_a_rightly_signed_identify_is_accepted_and_linked_and_a_rejection_costs_no_other_event()
    {
        var (key, siteId) = await CreateSignedSiteAsync();
        var answer = await CollectAsync(api, key,
            Identify("C-unsigned", "v-1", Consented),
            Identify("C-wrong", "v-2", Consented, signature: Sign(Secret, "C-other")),
            Identify("C-other-key", "v-3", Consented, signature: Sign("another-secret-0123456789", "C-other-key")),
            new { type = "pageview", url = "https://shop.example/", title = "kept", vid = "v-1", consent = Consented },
            Identify("C-signed", "v-4", Consented, signature: Sign(Secret, "C-signed")));

        Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
        Assert.Equal([(0, "signature"), (1, "signature"), (2, "signature")], Rejections(answer));
        var link = Assert.Single(await WaitForLinkAsync(api, siteId, "C-signed"));
        Assert.Equal("v-4", link.GetProperty("visitor_id").GetString());
        Assert.Equal(2, await api.WaitForRowsAsync(Sql.Query($"site_id = {siteId}"), 2));
        Assert.Equal(1, await api.CountAsync(Sql.Query($"site_id = {siteId} AND title = 'kept'")));
        Assert.Equal(1, await api.CountAsync(Sql.Query($"site_id = {siteId} AND type = 'identify' AND customer_id = 'C-signed'")));
    }

    [Fact]
    public async Task A_site_without_a_secret_accepts_unsigned_identifies_and_ignores_a_signature()
    {
        var key = await api.CreateSiteAsync("shop.example");
        var siteId = await api.SiteIdAsync(key);
        var answer = await CollectAsync(api, key, Identify("C-a", "v-a", Consented), Identify("C-b", "v-b", Consented, signature: "not-a-signature"));
        Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
        Assert.Equal(2, (await WaitForLinkAsync(api, siteId, "C-b")).Count);
    }

    [Fact]
    public async Task The_events_importer_applies_the_same_rule()
    {
        var (key, siteId) = await CreateSignedSiteAsync();
        var ts = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        var body = string.Join('\n',
            JsonSerializer.Serialize(new { type = "identify", ts, url = "https://shop.example/", vid = "v-1", consent = Consented, customer_id = "C-unsigned" }),
            JsonSerializer.Serialize(new { type = "identify", ts, url = "https://shop.example/", vid = "v-2", consent = Consented, customer_id = "C-signed", signature = Sign(Secret, "C-signed") }));
        var report = await PostAsync(api, $"/api/import/events?site={key}", Text(body, "application/x-ndjson"));
        Assert.Equal(1, report.GetProperty("imported").GetInt64());
        var skipped = Assert.Single(report.GetProperty("skipped_lines").EnumerateArray());
        Assert.Equal(1, skipped.GetProperty("line").GetInt64());
        Assert.Equal("signature", skipped.GetProperty("field").GetString());
        Assert.Single(await WaitForLinkAsync(api, siteId, "C-signed"));
    }

    [Fact]
    public async Task The_secret_is_set_rotated_and_cleared_by_an_admin_and_never_answered()
    {
        var (key, siteId) = await CreateSignedSiteAsync();
        var admin = api.Admin();
        Assert.DoesNotContain(Secret, await admin.GetStringAsync("/api/sites"));
        var one = await admin.GetStringAsync($"/api/sites/{key}");
        Assert.DoesNotContain(Secret, one);
        Assert.True(JsonDocument.Parse(one).RootElement.GetProperty("identify_signed").GetBoolean());
        Assert.Contains(Secret, File.ReadAllText(Path.Combine(api.DataDir, "sites.json"))); // a start without ClickHouse still verifies

        const string rotated = "the-next-secret-after-rotation";
        var put = await admin.PutAsJsonAsync($"/api/sites/{key}/identify-secret", new { identify_secret = rotated });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.DoesNotContain(rotated, await put.Content.ReadAsStringAsync());
        var answer = await CollectAsync(api, key,
            Identify("C-old", "v-1", Consented, signature: Sign(Secret, "C-old")),
            Identify("C-new", "v-2", Consented, signature: Sign(rotated, "C-new")));
        Assert.Equal([(0, "signature")], Rejections(answer));
        Assert.Single(await WaitForLinkAsync(api, siteId, "C-new"));

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/sites/{key}/identify-secret", new { identify_secret = "short" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/sites/no-such-site/identify-secret", new { identify_secret = rotated })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().PutAsJsonAsync($"/api/sites/{key}/identify-secret", new { identify_secret = (string?)null })).StatusCode);
        var cleared = await admin.PutAsJsonAsync($"/api/sites/{key}/identify-secret", new { identify_secret = (string?)null });
        Assert.False((await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("identify_signed").GetBoolean());
        Assert.Equal(1, (await CollectAsync(api, key, Identify("C-free", "v-3", Consented))).GetProperty("accepted").GetInt32());

        // The stored row has the latest setting: a reload from ClickHouse keeps signing off.
        var store = api.Services.GetRequiredService<Analytics.Sites.SiteStore>();
        await store.LoadAsync(CancellationToken.None);
        Assert.Equal("", store.FindByKey(key)!.IdentifySecret);
        var log = File.ReadAllText(Path.Combine(api.DataDir, "service.log"));
        Assert.DoesNotContain(Secret, log);
        Assert.DoesNotContain(rotated, log);
    }

    [Fact]
    public async Task A_too_short_secret_is_refused_at_creation()
    {
        var response = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Weak", domains = new[] { "shop.example" }, identify_secret = "0123456789" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("identify_secret", await response.Content.ReadAsStringAsync());
    }
}

public sealed class SignedIdentifyTestsEmbedded(EmbeddedApi api) : SignedIdentifyTests(api), IClassFixture<EmbeddedApi>;
public sealed class SignedIdentifyTestsServer(ServerApi api) : SignedIdentifyTests(api), IClassFixture<ServerApi>;

/// <summary>The signature itself: HMAC-SHA256 as RFC 4231 fixes it, compared whatever the case of the hex.</summary>
public sealed class IdentifySignatureTests
{
    [Fact]
    public void The_signature_is_the_lower_case_hex_HMAC_SHA256_of_the_customer_id()
    {
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", IdentifySignature.Compute("Jefe", "what do ya want for nothing?"));
        Assert.True(IdentifySignature.Matches("Jefe", "what do ya want for nothing?", "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"));
        Assert.False(IdentifySignature.Matches("Jefe", "what do ya want for nothing?", "5bdcc146"));
        Assert.False(IdentifySignature.Matches("Jefe", "C42", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    }
}

/// <summary>A service that starts while its ClickHouse server is away knows its sites from sites.json, secrets included.</summary>
public sealed class SignedIdentifyOfflineTests
{
    sealed class Offline(string dataDir) : ApiFactory(Engine.Embedded, dataDir: dataDir)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("ANALYTICS_CLICKHOUSE", $"Host=127.0.0.1;Port={ClickHouseServer.FreePort()};Username=default;Password=")];
    }

    [Fact]
    public async Task A_start_without_ClickHouse_still_verifies_signatures()
    {
        const string secret = "offline-secret-0123456789abcdef";
        string key, dataDir;
        using (var online = new ApiFactory(Engine.Embedded) { DeleteDataOnDispose = false })
        {
            var response = await online.Admin().PostAsJsonAsync("/api/sites", new { name = "Signed", domains = new[] { "shop.example" }, identify_secret = secret });
            key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
            dataDir = online.DataDir;
        }
        using var offline = new Offline(dataDir);
        var consent = new { analytics = true, marketing = false };
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("C1")));
        var answer = await CollectAsync(offline, key, Identify("C1", "v-1", consent), Identify("C1", "v-1", consent, signature: signature));
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(answer.GetProperty("rejected").EnumerateArray());
        Assert.Equal(0, rejected.GetProperty("index").GetInt32());
        Assert.Equal("signature", rejected.GetProperty("errors")[0].GetProperty("field").GetString());
    }
}
