using Analytics.Storage;

namespace Analytics.Customers;

/// <summary>
/// The reads of the 360-degree view, each narrowed to the customer: its links, CRM rows, orders, contacts, consent
/// proofs, and the events of its devices on the days those devices were active, from <c>events_by_visitor</c> (ordered
/// by (site_id, vid, ts): the primary key narrows by the devices, then by the days' bounds).
/// </summary>
public static class CustomerViewSql
{
    /// <summary>A time window of events to read: [From, To).</summary>
    public readonly record struct Window(DateTimeOffset From, DateTimeOffset To);

    public static Sql Links(string siteId, string customerId) => Sql.Query($"""
        SELECT visitor_id, argMin(source, linked_at) AS source, toUnixTimestamp(min(linked_at)) AS linked_s
        FROM identity_links WHERE site_id = {siteId} AND customer_id = {customerId}
        GROUP BY visitor_id ORDER BY visitor_id
        """);

    public static Sql Profile(string siteId, string customerId) => Sql.Query($"""
        SELECT customer_id, email, name, segment, toUnixTimestamp(created_at) AS created_s, attribute_keys, attribute_values,
            marketing_consent, toUnixTimestamp(marketing_consent_at) AS marketing_consent_s
        FROM customers FINAL WHERE site_id = {siteId} AND customer_id = {customerId}
        """);

    /// <summary>
    /// The customer's orders follow the <see cref="Crm.OrdersSql"/> rules narrowed to it, so that no query reads the whole
    /// site, in three reads that <see cref="CustomerViewOrders.Combine"/> puts together: the CRM orders whose latest
    /// version names the customer (<see cref="CrmOrders"/>); the first purchase event of every order on its devices
    /// (<see cref="DeviceEvents.Purchases"/>, from the view's one read of the devices' events, which gives the CRM orders their visitor
    /// and the tracker's orders their owner, the event's customer id, else the device's person at the purchase); and which
    /// of the tracker's orders of the customer the CRM knows under another customer (<see cref="KnownToCrm"/>). A tracker
    /// purchase on a device never linked to the customer is not found here (an identified purchase links its device).
    /// </summary>
    public static Sql OrderIds(string siteId, string customerId) =>
        Sql.Query($"SELECT DISTINCT order_id FROM orders WHERE site_id = {siteId} AND customer_id = {customerId}");

    /// <param name="crmOrderIds">The ids of <see cref="OrderIds"/>: orders any version of which named the customer.</param>
    public static Sql CrmOrders(string siteId, string customerId, IReadOnlyCollection<string> crmOrderIds) => Sql.Query($"""
        SELECT order_id, toUnixTimestamp(crm_ts) AS ts_s, crm_revenue AS revenue, crm_currency AS currency, crm_cost_of_goods AS cost_of_goods,
            crm_has_cost_of_goods AS has_cost_of_goods, toUInt8(crm_status = 'returned') AS returned
        FROM
        (
            SELECT order_id, customer_id AS crm_customer_id, ts AS crm_ts, revenue AS crm_revenue, currency AS crm_currency,
                cost_of_goods AS crm_cost_of_goods, has_cost_of_goods AS crm_has_cost_of_goods, status AS crm_status
            FROM orders FINAL
            WHERE site_id = {siteId} AND order_id IN {SqlInList.Of(crmOrderIds)}
        )
        WHERE crm_customer_id = {customerId}
        """);

    /// <summary>Which of these orders the CRM has (under any customer): the CRM's figures and owner win over the tracker's.</summary>
    public static Sql KnownToCrm(string siteId, IReadOnlyCollection<string> orderIds) =>
        Sql.Query($"SELECT DISTINCT order_id FROM orders WHERE site_id = {siteId} AND order_id IN {SqlInList.Of(orderIds)}");

    /// <summary>
    /// The customer's contacts, latest version each. FINAL is narrowed by the primary key (the contact ids any version of
    /// which names the customer) and the customer checked after the merge (a filter inside FINAL could
    /// keep an older version that named it): FINAL over the site's whole table merged every
    /// contact first (188 ms for 21 k contacts on 18.16; 11 ms narrowed).
    /// </summary>
    public static Sql Contacts(string siteId, string customerId) => Sql.Query($"""
        SELECT contact_id, ts_s, channel, direction, kind, subject, outcome, cost
        FROM
        (
            SELECT contact_id, customer_id AS owner, toUnixTimestamp(ts) AS ts_s, channel, direction, kind, subject, outcome, cost
            FROM contacts FINAL
            WHERE site_id = {siteId}
                AND contact_id IN (SELECT contact_id FROM contacts WHERE site_id = {siteId} AND customer_id = {customerId})
        )
        WHERE owner = {customerId}
        ORDER BY ts_s, contact_id
        """);

    /// <summary>The newest consent proof of the devices: every proof states both purposes, so it is the latest of each.</summary>
    public static Sql LatestConsent(string siteId, IReadOnlyCollection<string> visitors) => Sql.Query($"""
        SELECT vid, toUnixTimestamp(received_at) AS received_s, analytics, marketing, policy_version, source
        FROM consents WHERE site_id = {siteId} AND vid IN {SqlInList.Of(visitors)}
        ORDER BY received_at DESC, consent_id DESC LIMIT 1
        """);

    /// <summary>
    /// Events in the windows: <c>(ts &gt;= from AND ts &lt; to) OR …</c>. In <c>events_by_visitor</c> (ordered by
    /// (site_id, vid, ts)) the bounds on <c>ts</c> narrow the key after the vid; no dates on <c>toDate(ts)</c> are needed,
    /// as they were in <c>events</c>, whose key has the date before the vid (<see cref="Ingestion.EventDates"/>).
    /// </summary>
    internal static Sql InWindows(IReadOnlyList<Window> days) =>
        days.Select(d => Sql.Query($"(ts >= {d.From} AND ts < {d.To})")).Aggregate((all, next) => Sql.Query($"{all} OR {next}"));

    /// <summary>
    /// The whole UTC days the sessions touch, merged into windows: every stored non-bot event of a device lies in one of
    /// its sessions, so these days hold all of them.
    /// </summary>
    public static List<Window> DaysOf(IEnumerable<(long StartMs, long EndMs)> sessions)
    {
        const long DayMs = 86_400_000;
        var windows = new List<Window>();
        foreach (var (start, end) in sessions.Select(s => (s.StartMs / DayMs * DayMs, (s.EndMs / DayMs + 1) * DayMs)).OrderBy(s => s.Item1))
        {
            if (windows.Count > 0 && windows[^1].To.ToUnixTimeMilliseconds() >= start)
            {
                var last = windows[^1];
                windows[^1] = last with { To = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(last.To.ToUnixTimeMilliseconds(), end)) };
            }
            else windows.Add(new Window(DateTimeOffset.FromUnixTimeMilliseconds(start), DateTimeOffset.FromUnixTimeMilliseconds(end)));
        }
        return windows;
    }
}
