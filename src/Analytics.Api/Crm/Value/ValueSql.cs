using Analytics.Identity;
using Analytics.Customers;
using Analytics.Storage;

namespace Analytics.Crm.Value;

/// <summary>
/// The value of each customer in a range (docs/crm-analytics.md "Customer value"), one SELECT for ClickHouse 18.16 and
/// 26.7 that reads the site's orders once (all time: the first order decides the month of acquisition), the range's
/// contacts, the first session of each linked person and the acquisition costs. Columns: customer_id, first_order_s
/// (Unix seconds of the first order not returned, 0 without one), acquired (1: that first order is in the range),
/// channel, campaign (of the first session; '' without one), orders, revenue, cost_of_goods, revenue_without_cost
/// (revenue of orders that carry no cost of goods), contacts, complaints, service_cost, acquisition_cost.
/// One row per customer with an order (not returned) or a contact in the range.
/// </summary>
public static class ValueSql
{
    /// <param name="firstTouches">The first-touch rows of the site's linked persons (<see cref="FirstTouchRows"/>, or
    /// those of <see cref="FirstTouchSnapshots"/>): a person may have several rows, the earliest counts.</param>
    public static Sql Customers(CustomerOrders orders, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone, Sql firstTouches) => Sql.Query($"""
        SELECT customer_id, first_order_s, acquired, channel, campaign, orders, revenue, cost_of_goods, revenue_without_cost,
            contacts, complaints, service_cost,
            if(acquired = 1, month_cost / acquired_that_month, toFloat64(0)) AS acquisition_cost
        FROM
        (
            SELECT acq_month, touch_channel, touch_campaign, acquired_that_month,
                customer_id, first_order_s, acquired, touch_channel AS channel, touch_campaign AS campaign, orders, revenue, cost_of_goods,
                revenue_without_cost, contacts, complaints, service_cost
            FROM
            (
                -- Per month of first order and first touch: how many customers it acquired, and the customers themselves.
                SELECT acq_month, touch_channel, touch_campaign, countIf(all_orders > 0) AS acquired_that_month,
                    groupArray(customer_id) AS ids, groupArray(first_order_s) AS firsts, groupArray(in_range) AS acquired_flags,
                    groupArray(orders) AS orders_list, groupArray(revenue) AS revenues, groupArray(cost_of_goods) AS costs,
                    groupArray(revenue_without_cost) AS uncosted, groupArray(contacts) AS contacts_list,
                    groupArray(complaints) AS complaints_list, groupArray(service_cost) AS service_costs,
                    groupArray(toUInt8(orders > 0 OR contacts > 0)) AS reported
                FROM
                (
                    SELECT customer_id, all_orders, if(all_orders > 0, toUInt64(first_order), toUInt64(0)) AS first_order_s,
                        if(all_orders > 0, toStartOfMonth(first_order, {zone.Id}), toDate(0)) AS acq_month,
                        toUInt8(all_orders > 0 AND first_order >= {from} AND first_order < {to}) AS in_range,
                        splitByChar('\x1F', first_touch) AS touch,
                        touch[1] AS touch_channel, arrayStringConcat(arraySlice(touch, 2), '\x1F') AS touch_campaign,
                        orders, revenue, cost_of_goods, revenue_without_cost, contacts, complaints, service_cost
                    FROM ({PerCustomer(orders, from, to)}) AS customer_figures
                    ANY LEFT JOIN ({FirstTouch(firstTouches)}) AS first_touches USING customer_id
                )
                GROUP BY acq_month, touch_channel, touch_campaign
            )
            ARRAY JOIN ids AS customer_id, firsts AS first_order_s, acquired_flags AS acquired, orders_list AS orders, revenues AS revenue,
                costs AS cost_of_goods, uncosted AS revenue_without_cost, contacts_list AS contacts, complaints_list AS complaints,
                service_costs AS service_cost, reported AS is_reported
            WHERE is_reported = 1
        ) AS customer_rows
        ANY LEFT JOIN ({MonthlyCosts(orders.SiteId)}) AS monthly_costs USING (acq_month, touch_channel, touch_campaign)
        """);

    /// <summary>
    /// One row per customer with any order (all time) or a contact in the range: all_orders and first_order over all
    /// time (orders not returned), the rest within the range. Orders and contacts are one UNION read in one grouping.
    /// </summary>
    // Source columns are renamed (row_*): an alias equal to a column it aggregates is an error on 18.16.
    static Sql PerCustomer(CustomerOrders orders, DateTimeOffset from, DateTimeOffset to) => Sql.Query($"""
        SELECT customer_id,
            countIf(is_contact = 0 AND row_returned = 0) AS all_orders,
            minIf(row_ts, is_contact = 0 AND row_returned = 0) AS first_order,
            countIf(is_contact = 0 AND row_returned = 0 AND row_ts >= {from} AND row_ts < {to}) AS orders,
            sumIf(row_revenue, is_contact = 0 AND row_ts >= {from} AND row_ts < {to}) AS revenue,
            sumIf(row_cost_of_goods, is_contact = 0 AND row_ts >= {from} AND row_ts < {to}) AS cost_of_goods,
            sumIf(row_revenue, is_contact = 0 AND row_has_cost = 0 AND row_ts >= {from} AND row_ts < {to}) AS revenue_without_cost,
            countIf(is_contact = 1) AS contacts,
            countIf(is_contact = 1 AND is_complaint = 1) AS complaints,
            sumIf(contact_cost, is_contact = 1) AS service_cost
        FROM
        (
            SELECT customer_id, ts AS row_ts, revenue AS row_revenue, cost_of_goods AS row_cost_of_goods, has_cost_of_goods AS row_has_cost,
                returned AS row_returned, toUInt8(0) AS is_contact, toFloat64(0) AS contact_cost, toUInt8(0) AS is_complaint
            FROM ({orders.All()})
            WHERE customer_id != ''
            UNION ALL
            SELECT customer_id, ts AS row_ts, toFloat64(0) AS row_revenue, toFloat64(0) AS row_cost_of_goods, toUInt8(0) AS row_has_cost,
                toUInt8(0) AS row_returned, toUInt8(1) AS is_contact, cost AS contact_cost, toUInt8(kind = 'complaint') AS is_complaint
            FROM contacts FINAL
            WHERE site_id = {orders.SiteId} AND customer_id != '' AND ts >= {from} AND ts < {to}
        )
        GROUP BY customer_id
        """);

    /// <summary>
    /// The first touch of each linked person: channel and campaign of their earliest session, as one string (unit
    /// separator between them) so both come from the same session. Columns person, first_start (Unix ms), first_text:
    /// one row per person of these sessions, so that rows of several sources (a stored snapshot and the sessions
    /// since) go into <see cref="FirstTouch"/> together. Only sessions of linked devices count (those with links in
    /// the join): an unlinked device's person is itself, never a customer. The sessions come without persons
    /// (<see cref="Sessions.SessionQuery.WithoutPerson"/>) and each takes its person here, from one join with the links
    /// of its device (<see cref="PersonSql.PersonAt"/> at its end, as <see cref="Sessions.SessionSql"/> attributes it).
    /// A device linked to one customer gives all its sessions to that customer, so only its earliest session goes into
    /// the join; a shared device's sessions go in one by one (10 M events: 515 k sessions → ~100 k rows, the first
    /// touches 1.6 → 1.3 s). ANY LEFT JOIN, not ANY INNER JOIN: on 26.7 that keeps one row per key on the left too,
    /// one session of a shared device.
    /// </summary>
    /// <param name="sessions">Sessions of the site, those of linked visitors being enough (<see cref="Sessions.SessionQuery.LinkedOnly"/>).</param>
    // Source columns are renamed (session_*, touch_*): an alias equal to a column it aggregates is an error on 18.16.
    public static Sql FirstTouchRows(string siteId, Sql sessions) => Sql.Query($"""
        SELECT person, min(touch_start) AS first_start, argMin(touch_text, touch_start) AS first_text
        FROM
        (
            SELECT {PersonSql.PersonAt(new SqlIdentifier("touch_end"))} AS person, touch_start, touch_text
            FROM
            (
                SELECT session_vid AS vid, min(session_start) AS touch_start, argMin(session_end, session_start) AS touch_end,
                    argMin(session_touch, session_start) AS touch_text
                FROM
                (
                    SELECT visitor_id AS session_vid, start_ms AS session_start, end_ms AS session_end,
                        concat(channel, '\x1F', utm_campaign) AS session_touch,
                        if(visitor_id IN ({PersonSql.SharedVisitors(siteId)}), start_ms, 0) AS session_key
                    FROM ({sessions}) AS site_sessions
                )
                GROUP BY session_vid, session_key
            ) AS device_touches
            ANY LEFT JOIN ({PersonSql.LinksByVisitor(siteId)}) AS visitor_links USING vid
            WHERE notEmpty(link_ms)
        )
        GROUP BY person
        """);

    /// <summary>Per person (customer_id) the first touch of rows of <see cref="FirstTouchRows"/>' columns: the earliest.</summary>
    public static Sql FirstTouch(Sql rows) => Sql.Query($"""
        SELECT person AS customer_id, argMin(first_text, first_start) AS first_touch
        FROM ({rows}) AS first_touch_rows
        GROUP BY person
        """);

    /// <summary>Acquisition costs per calendar month (the site's days), channel and campaign.</summary>
    static Sql MonthlyCosts(string siteId) => Sql.Query($"""
        SELECT toStartOfMonth(day) AS acq_month, channel AS touch_channel, campaign AS touch_campaign, sum(cost) AS month_cost
        FROM acquisition_costs FINAL
        WHERE site_id = {siteId}
        GROUP BY acq_month, touch_channel, touch_campaign
        """);
}
