using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Crm;

/// <summary>A service with fast webhook retries and no background runs (runs are triggered by the tests).</summary>
public class SegmentApi(Engine engine) : ApiFactory(engine)
{
    public const int RetryDelayMs = 50;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Segments:WebhookIntervalSeconds", "0"), new("Segments:WebhookRetryDelayMs", RetryDelayMs.ToString()), new("Segments:WebhookAttempts", "4"),
    ];
}

public sealed class SegmentEmbeddedApi() : SegmentApi(Engine.Embedded);
public sealed class SegmentServerApi() : SegmentApi(Engine.Server);

/// <summary>Rows straight into storage and calls of the segment endpoints, for the segment tests.</summary>
internal static class SegmentTestData
{
    public static Task CustomerAsync(ApiFactory api, string site, string id, bool? consent, DateTimeOffset consentAt, string segment = "", ulong version = 1) =>
        api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO customers (site_id, customer_id, email, name, segment, marketing_consent, marketing_consent_at, visitor_ids, version)
            VALUES ({site}, {id}, {id.ToLowerInvariant() + "@example.com"}, {"Name " + id}, {segment}, {consent == true}, {(consent is null ? DateTimeOffset.UnixEpoch : consentAt)},
                {new[] { "v-" + id }}, {version})
            """));

    public static Task LinkAsync(ApiFactory api, string site, string id, DateTimeOffset at) => api.ClickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO identity_links (link_id, site_id, visitor_id, customer_id, linked_at, source)
        VALUES ({Guid.NewGuid()}, {site}, {"v-" + id}, {id}, {at}, 'identify')
        """));

    public static Task ProofAsync(ApiFactory api, string site, string vid, DateTimeOffset at, bool marketing) => api.ClickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO consents (consent_id, site_id, received_at, vid, analytics, marketing, policy_version, source, ip_truncated, user_agent)
        VALUES ({Guid.NewGuid()}, {site}, {at}, {vid}, 1, {marketing}, '2026-01', 'banner', '203.0.113.0', 'Firefox')
        """));

    public static Task PageviewAsync(ApiFactory api, string site, string vid, DateTimeOffset at, string path = "/", string device = "desktop") =>
        api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO events (event_id, site_id, received_at, ts, ts_ms, type, vid, path, url, device)
            VALUES ({Guid.NewGuid()}, {site}, {at}, {at}, {(ulong)at.ToUnixTimeMilliseconds()}, 'pageview', {vid}, {path}, {"https://shop.example" + path}, {device})
            """));

    public static Task OrderAsync(ApiFactory api, string site, string order, string customer, DateTimeOffset at, double revenue) => api.ClickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO orders (site_id, order_id, customer_id, ts, revenue, currency, status, version)
        VALUES ({site}, {order}, {customer}, {at}, {revenue}, 'EUR', 'paid', 1)
        """));

    /// <summary>Creates a segment and answers its id.</summary>
    public static async Task<string> CreateAsync(ApiFactory api, string key, object body)
    {
        var response = await api.Admin().PostAsJsonAsync($"/api/sites/{key}/segments", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Every contactable member (one big page) and the count held back.</summary>
    public static async Task<(List<string> Ids, long HeldBack, long Total)> MembersAsync(ApiFactory api, string segmentId)
    {
        var response = await api.Admin().GetAsync($"/api/segments/{segmentId}/customers?page_size=1000");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        var root = JsonDocument.Parse(text).RootElement;
        return (root.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customer_id").GetString()!).ToList(),
            root.GetProperty("held_back").GetInt64(), root.GetProperty("total").GetInt64());
    }
}
