using Analytics.Crm.Rfm;
using Analytics.Customers;
using Analytics.Ingestion;
using Analytics.Reports.Filters;
using Analytics.Reports.Funnel;
using Analytics.Sites;
using Analytics.Storage;

namespace Analytics.Crm.Segments;

/// <summary>
/// A segment's membership and the customers' marketing consent as SQL (docs/crm-analytics.md "Segments"). The
/// customers of a site are the ids its CRM profiles, identity links and CRM orders name; every filter of the segment
/// is one <c>customer_id IN (…)</c> over the period [now − period_days, now).
/// </summary>
public static class SegmentSql
{
    public const long DefaultFunnelWindowSeconds = 3600;

    /// <summary>Every customer of the site: <c>customer_id</c>.</summary>
    public static Sql Customers(string siteId) => Sql.Query($"""
        SELECT DISTINCT customer_id FROM
        (
            SELECT customer_id FROM customers WHERE site_id = {siteId}
            UNION ALL
            SELECT customer_id FROM identity_links WHERE site_id = {siteId}
            UNION ALL
            SELECT customer_id FROM orders WHERE site_id = {siteId}
        )
        WHERE customer_id != ''
        """);

    /// <summary>
    /// The bounds of a last-seen filter at <paramref name="now"/>: the lower ones (after, within_days), the upper one
    /// (before), and <c>SinceMs</c>, the latest lower bound when there is no upper one: a customer seen since then has an
    /// event since then, so older events need not be read.
    /// </summary>
    public static (long? SinceMs, List<long> Lower, long? Before) LastSeenBounds(LastSeenFilter seen, DateTimeOffset now)
    {
        var lower = new List<long>();
        if (seen.After is { } after) lower.Add(after.ToUnixTimeMilliseconds());
        if (seen.WithinDays is { } days) lower.Add(now.AddDays(-days).ToUnixTimeMilliseconds());
        var before = seen.Before?.ToUnixTimeMilliseconds();
        return (before is null && lower.Count > 0 ? lower.Max() : null, lower, before);
    }

    /// <summary>
    /// The segment's customers at <paramref name="now"/>: <c>customer_id</c>. With a last-seen filter,
    /// <paramref name="deviceTimes"/> gives the linked devices' event times, exact at the filter's bounds
    /// (<see cref="Sessions.VisitorHours.DeviceTimesAsync"/> over <see cref="LastSeenBounds"/>; <see cref="SegmentMembers"/>).
    /// </summary>
    public static Sql Members(Site site, CustomerOrders orders, StoredDefinition definition, DateTimeOffset now, CustomerOptions options, Sql? deviceTimes)
    {
        var (from, to) = (now.AddDays(-definition.PeriodDays), now);
        var filters = definition.Filters;
        var conditions = new List<Sql>();
        if (filters.Events is { Count: > 0 } events)
        {
            var scope = new ReportScope(site, ReportTimeZone.Find(site.TimeZone), from, to, null, null, ReportFilterParser.ParseConditions(events));
            conditions.Add(Sql.Query($"customer_id IN (SELECT person FROM ({ReportSql.Events(scope)}))"));
        }
        if (filters.Class is { Count: > 0 } classes)
        {
            var ranked = AbcSql.Classes(orders, from, to, options);
            // An unranked customer (no revenue in the period) is C: with C asked for, a member is any customer not
            // ranked in another class (one ranking, not one for the ranked and one for the unranked).
            conditions.Add(classes.Contains("C")
                ? Sql.Query($"customer_id NOT IN (SELECT customer_id FROM ({ranked}) WHERE class NOT IN {SqlInList.Of(classes)})")
                : Sql.Query($"customer_id IN (SELECT customer_id FROM ({ranked}) WHERE class IN {SqlInList.Of(classes)})"));
        }
        if (filters.RfmSegment is { Count: > 0 } segments)
            conditions.Add(Sql.Query($"customer_id IN (SELECT customer_id FROM ({RfmSql.Segments(orders, from, to)}) WHERE segment IN {SqlInList.Of(segments)})"));
        if (filters.LastSeen is { } seen)
        {
            var (since, lower, before) = LastSeenBounds(seen, now);
            var devices = deviceTimes ?? throw new ArgumentException("A last-seen filter needs the devices' event times.", nameof(deviceTimes));
            if (since is { } sinceMs) // lower bounds only: a customer with any device seen since the latest
                conditions.Add(Sql.Query($"customer_id IN ({SeenSince(site.Id, devices, sinceMs)})"));
            else
            {
                var bounds = lower.Select(l => Sql.Query($"last_seen_ms >= {l}")).ToList();
                if (before is { } b) bounds.Add(Sql.Query($"last_seen_ms < {b}"));
                conditions.Add(Sql.Query($"customer_id IN (SELECT customer_id FROM ({LastSeen(site.Id, devices)}) WHERE {And(bounds)})"));
            }
        }
        if (filters.DroppedAt is { Steps: { } steps, Step: { } step } dropped)
        {
            var scope = new ReportScope(site, ReportTimeZone.Find(site.TimeZone), from, to, null, null, []);
            var persons = FunnelSql.Persons(scope, steps.Select(s => s!).ToList(), (dropped.WindowSeconds ?? DefaultFunnelWindowSeconds) * 1000, null);
            conditions.Add(Sql.Query($"cityHash64(customer_id) IN (SELECT person_hash FROM ({persons}) WHERE identified = 1 AND level = {step})"));
        }
        return Sql.Query($"SELECT customer_id FROM ({Customers(site.Id)}) WHERE {And(conditions)}");
    }

    /// <summary>
    /// The latest event of any device linked to each customer: <c>customer_id</c>, <c>last_seen_ms</c>, from the devices'
    /// rows of <paramref name="deviceTimes"/> (vid_hash, row_ms).
    /// </summary>
    static Sql LastSeen(string siteId, Sql deviceTimes) => Sql.Query($"""
        SELECT customer_id, max(device_last_ms) AS last_seen_ms
        FROM
        (
            SELECT cityHash64(visitor_id) AS vid_hash, customer_id FROM identity_links WHERE site_id = {siteId}
        ) AS site_links
        ALL INNER JOIN (SELECT vid_hash, max(row_ms) AS device_last_ms FROM ({deviceTimes}) AS device_times GROUP BY vid_hash) AS device_last USING vid_hash
        GROUP BY customer_id
        """);

    /// <summary>
    /// The customers with a linked device seen at or after <paramref name="sinceMs"/>: <c>customer_id</c>, from the rows
    /// of <paramref name="deviceTimes"/> (vid_hash, row_ms) as a set, with no latest event per device or customer grouped
    /// and joined.
    /// </summary>
    static Sql SeenSince(string siteId, Sql deviceTimes, long sinceMs) => Sql.Query($"""
        SELECT customer_id FROM identity_links
        WHERE site_id = {siteId} AND cityHash64(visitor_id) IN (SELECT vid_hash FROM ({deviceTimes}) AS device_times WHERE row_ms >= {sinceMs})
        """);

    /// <summary>
    /// Each customer's marketing consent: <c>customer_id</c>, <c>granted</c> (0/1). The newest of the latest consent proof
    /// of any visitor linked to the customer (identity links, every version of the CRM profile's visitor_ids) and the
    /// CRM's <c>marketing_consent</c> at <c>marketing_consent_at</c>; at the same second the proof wins. A customer
    /// without either has no row: no consent.
    /// </summary>
    public static Sql MarketingConsent(string siteId) => Sql.Query($"""
        SELECT customer_id, argMax(consent_granted, consent_rank) AS granted
        FROM
        (
            SELECT customer_id, marketing AS consent_granted, toUInt64(received_at) * 2 + 1 AS consent_rank
            FROM (SELECT vid, marketing, received_at FROM consents WHERE site_id = {siteId}) AS proofs
            ALL INNER JOIN
            (
                SELECT DISTINCT visitor_id AS vid, customer_id FROM
                (
                    SELECT visitor_id, customer_id FROM identity_links WHERE site_id = {siteId}
                    UNION ALL
                    SELECT arrayJoin(visitor_ids) AS visitor_id, customer_id FROM customers WHERE site_id = {siteId}
                )
                WHERE visitor_id != '' AND customer_id != ''
            ) AS devices USING vid
            UNION ALL
            SELECT customer_id, marketing_consent AS consent_granted, toUInt64(marketing_consent_at) * 2 AS consent_rank
            FROM customers FINAL WHERE site_id = {siteId}
        )
        GROUP BY customer_id
        """);

    /// <summary>The members with whether they may be contacted: <c>customer_id</c>, <c>consented</c> (0/1).</summary>
    public static Sql MembersWithConsent(Site site, CustomerOrders orders, StoredDefinition definition, DateTimeOffset now, CustomerOptions options,
        Sql? deviceTimes) => Sql.Query($"""
        SELECT customer_id, toUInt8(customer_id IN (SELECT customer_id FROM ({MarketingConsent(site.Id)}) WHERE granted = 1)) AS consented
        FROM ({Members(site, orders, definition, now, options, deviceTimes)})
        """);

    static Sql And(List<Sql> conditions) =>
        conditions.Count == 0 ? Sql.Query($"1") : conditions.Skip(1).Aggregate(conditions[0], (all, c) => Sql.Query($"{all} AND {c}"));
}
