using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Privacy;

/// <summary>Rows written straight into ClickHouse at chosen times, for tests of the privacy reads and of retention.</summary>
internal static class PrivacyRows
{
    public static Task ConsentAsync(ApiFactory api, string siteId, string vid, DateTimeOffset at, bool analytics, bool marketing) =>
        api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO consents (consent_id, site_id, received_at, vid, analytics, marketing, policy_version, source, ip_truncated, user_agent)
            SELECT {Guid.NewGuid()}, {siteId}, {at}, {vid}, {analytics}, {marketing}, '2026-01', 'banner', '203.0.113.0', 'Firefox'
            """));

    public static Task LinkAsync(ApiFactory api, string siteId, string vid, string customerId, DateTimeOffset at) =>
        api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO identity_links (link_id, site_id, visitor_id, customer_id, linked_at, source)
            SELECT {Guid.NewGuid()}, {siteId}, {vid}, {customerId}, {at}, 'identify'
            """));

    public static Task CustomerAsync(ApiFactory api, string siteId, string customerId, IReadOnlyList<string> visitorIds) =>
        api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO customers (site_id, customer_id, email, name, visitor_ids, version)
            SELECT {siteId}, {customerId}, 'c@example.com', 'C', {visitorIds}, 1
            """));

    public static Task EventAsync(ApiFactory api, string siteId, string vid, DateTimeOffset at) =>
        api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO events (event_id, site_id, received_at, ts, ts_ms, type, vid)
            SELECT {Guid.NewGuid()}, {siteId}, {at}, {at}, {(ulong)at.ToUnixTimeMilliseconds()}, 'pageview', {vid}
            """));

    public static Task SessionAsync(ApiFactory api, string siteId, string vid, DateTimeOffset at) =>
        api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO sessions (site_id, visitor_id, start_ms, end_ms, day)
            SELECT {siteId}, {vid}, {(ulong)at.ToUnixTimeMilliseconds()}, {(ulong)at.ToUnixTimeMilliseconds()}, {DateOnly.FromDateTime(at.UtcDateTime)}
            """));

    public static Task AuditAsync(ApiFactory api, string siteId, DateTimeOffset at, string action) =>
        api.ClickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO privacy_audit (audit_id, site_id, at, user_id, role, action, request_id, subject, result, detail)
            SELECT {Guid.NewGuid()}, {siteId}, {at}, 'u-1', 'privacy_officer', {action}, '', '', 'ok', ''
            """));

    /// <summary>A time whole seconds long, as ClickHouse's DateTime keeps it.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());
}
