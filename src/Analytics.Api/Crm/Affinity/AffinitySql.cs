using Analytics.Ingestion;
using Analytics.Reports.Filters;
using Analytics.Storage;

namespace Analytics.Crm.Affinity;

/// <summary>
/// The SQL of the affinity report (docs/crm-analytics.md "Cross- and up-selling"). Both sources end in rows of
/// <c>kind</c>, <c>product</c>, <c>other</c>, <c>units</c>: <c>all</c> (every basket), <c>item</c> (baskets or sessions
/// with a purchase of <c>other</c>), <c>view</c> (sessions with a view of <c>product</c>) and <c>pair</c> (units
/// holding both, in the report's order). Pairs and views are only of <c>sku</c> when one is asked for.
/// </summary>
public static class AffinitySql
{
    /// <summary>SKUs in a tracker purchase's <c>items</c> JSON (no JSONExtract on 18.16): a string or a number after "sku".</summary>
    public const string ItemSkuPattern = """
        "sku"\s*:\s*"?([^",}\]\s]*)
        """;

    /// <summary>
    /// One row per order of the range that is not returned, with its distinct SKUs (<c>skus</c>, none empty): the CRM
    /// order's items when the CRM knows the order, else those of its first purchase event (<see cref="OrdersSql"/>).
    /// With filters only orders of a customer or visitor with a matching event in the range.
    /// </summary>
    public static Sql Baskets(ReportScope scope)
    {
        var site = scope.Site.Id;
        if (scope.Conditions.Count == 0) return AllBaskets(site, scope.From, scope.To, scope.FromMs, scope.ToMs);
        var matching = Sql.Query($"""
            ((customer_id != '' AND customer_id IN (SELECT person FROM ({ReportSql.Events(scope)})))
              OR (vid != '' AND vid IN (SELECT vid FROM ({ReportSql.Events(scope)}))))
            """);
        return Sql.Query($"""
            SELECT order_id, arrayDistinct(arrayFilter(s -> s != '', if(source = 'crm', crm_skus, extractAll(tracker_items, {ItemSkuPattern})))) AS skus
            FROM
            (
                SELECT order_id, source, crm_skus, customer_id, vid
                FROM ({OrdersSql.For(site, scope.From, scope.To)}) AS site_orders
                ANY LEFT JOIN
                (
                    SELECT order_id, item_sku AS crm_skus FROM orders FINAL WHERE site_id = {site} AND ts >= {scope.From} AND ts < {scope.To}
                ) AS crm_items USING order_id
                WHERE returned = 0 AND {matching}
            ) AS kept_orders
            ANY LEFT JOIN
            (
                SELECT order_id, argMin(props_values[indexOf(props_keys, 'items')], ts_ms) AS tracker_items
                FROM purchase_events
                WHERE site_id = {site} AND order_id != '' AND ts >= {scope.From} AND ts < {scope.To}
                  {EventDates.From(scope.FromMs)} {EventDates.Until(scope.ToMs)}
                GROUP BY order_id
            ) AS tracker_items USING order_id
            """);
    }

    /// <summary>
    /// The baskets of <see cref="Baskets"/> without filters, read without <see cref="OrdersSql"/> (which resolves every
    /// order's customer and visitor, all of its purchase events' history, none of which a basket needs): the CRM's orders
    /// of the range that are not returned with their items, and the orders only the tracker knows with the items of their
    /// first purchase event of the range (10 M events, 28 days: the top pairs' baskets 0.9–1.3 s → 0.45–0.7 s).
    /// </summary>
    // The status is read after FINAL (outside its subquery): the latest version of an order decides whether it is returned.
    // The CRM's order ids for the NOT IN need no FINAL: every version of an order holds its id (536 698 orders: 52–75 →
    // 18–21 ms on 18.16).
    static Sql AllBaskets(string site, DateTimeOffset from, DateTimeOffset to, long fromMs, long toMs) => Sql.Query($"""
        SELECT order_id, arrayDistinct(arrayFilter(s -> s != '', crm_skus)) AS skus
        FROM
        (
            SELECT order_id, item_sku AS crm_skus, status AS crm_status
            FROM orders FINAL
            WHERE site_id = {site} AND ts >= {from} AND ts < {to}
        ) AS crm_orders
        WHERE crm_status != 'returned'
        UNION ALL
        SELECT order_id, arrayDistinct(arrayFilter(s -> s != '', extractAll(tracker_items, {ItemSkuPattern}))) AS skus
        FROM
        (
            SELECT order_id, argMin(props_values[indexOf(props_keys, 'items')], ts_ms) AS tracker_items
            FROM purchase_events
            WHERE site_id = {site} AND order_id != '' AND ts >= {from} AND ts < {to} {EventDates.From(fromMs)} {EventDates.Until(toMs)}
            GROUP BY order_id
        ) AS tracker_orders
        WHERE order_id NOT IN (SELECT order_id FROM orders WHERE site_id = {site})
        """);

    /// <summary>
    /// Counts over the baskets: <c>all</c>, <c>item</c> per SKU and <c>pair</c> per product and other product of one
    /// basket (of <paramref name="products"/> only when given; else each unordered pair once, product &lt; other, and
    /// only pairs in at least <paramref name="minSupport"/> of the baskets).
    /// </summary>
    public static Sql BasketCounts(Sql baskets, IReadOnlyCollection<string>? products, double minSupport)
    {
        var repeated = Sql.Query($"arrayResize(emptyArrayString(), length(skus), product_i)");
        var pairs = products is null
            ? Sql.Query($"arrayFilter((o, p) -> o > p, skus, {repeated})")
            : Sql.Query($"arrayFilter((o, p) -> o != p AND has({products.ToList()}, p), skus, {repeated})");
        var counts = Sql.Query($"""
            SELECT fact.1 AS kind, fact.2 AS product, fact.3 AS other, count() AS units
            FROM
            (
                SELECT arrayConcat(
                    arrayFilter((f, keep) -> keep = 1, [('all', '', '')], [toUInt8(i = 1)]),
                    [('item', '', product_i)],
                    arrayMap((o, p) -> ('pair', p, o), others, arrayResize(emptyArrayString(), length(others), product_i))) AS facts
                FROM
                (
                    SELECT i, product_i, {pairs} AS others
                    FROM
                    (
                        SELECT skus, i, skus[i] AS product_i
                        FROM ({baskets}) AS basket_skus
                        ARRAY JOIN arrayEnumerate(skus) AS i
                        WHERE notEmpty(skus)
                    ) AS basket_items
                ) AS basket_pairs
            ) AS basket_facts
            ARRAY JOIN facts AS fact
            GROUP BY kind, product, other
            """);
        if (products is not null) return counts;
        // The pairs below the minimum support are dropped against the count of baskets (the 'all' row) from the same pass:
        // a scalar subquery would read the baskets a second time.
        return Sql.Query($"""
            SELECT row.1 AS kind, row.2 AS product, row.3 AS other, row.4 AS units
            FROM
            (
                SELECT groupArray((kind, product, other, units)) AS rows, sumIf(units, kind = 'all') AS baskets
                FROM ({counts}) AS basket_counts
            ) AS all_counts
            ARRAY JOIN rows AS row
            WHERE row.1 != 'pair' OR row.4 >= {minSupport} * baskets
            """);
    }

    /// <summary>
    /// Per order with a purchase event from <paramref name="fromMs"/> to <paramref name="toMs"/>: <c>first_ms</c>, the time
    /// of its first purchase event there (the one that counts: a resent purchase does not count twice), and <c>skus</c>,
    /// its distinct SKUs (the CRM's items when the CRM knows the order, else those of that first event; none empty). A
    /// returned order is left out.
    /// </summary>
    public static Sql OrderFacts(string site, long fromMs, long toMs)
    {
        var (from, to) = (DateTimeOffset.FromUnixTimeMilliseconds(fromMs), DateTimeOffset.FromUnixTimeMilliseconds(toMs));
        var range = Sql.Query($"""
            site_id = {site} AND is_bot = 0 AND ts >= {from} AND ts <= {to} AND ts_ms >= {fromMs} AND ts_ms < {toMs}
              {EventDates.From(fromMs)} {EventDates.Until(toMs)} AND order_id != ''
            """);
        return Sql.Query($"""
            SELECT order_id, first_ms, arrayDistinct(arrayFilter(s -> s != '', if(in_crm = 1, crm_skus, extractAll(tracker_items, {ItemSkuPattern})))) AS skus
            FROM
            (
                SELECT order_id, min(ts_ms) AS first_ms, argMin(props_values[indexOf(props_keys, 'items')], ts_ms) AS tracker_items
                FROM purchase_events WHERE {range}
                GROUP BY order_id
            ) AS purchases
            ANY LEFT JOIN
            (
                SELECT order_id, toUInt8(1) AS in_crm, item_sku AS crm_skus, status AS crm_status
                FROM orders FINAL
                WHERE site_id = {site} AND order_id IN (SELECT order_id FROM purchase_events WHERE {range})
            ) AS crm_orders USING order_id
            WHERE crm_status != 'returned'
            """);
    }

    /// <summary>
    /// Per product the sessions of <paramref name="sessions"/> that viewed it (rows <c>view</c>, <c>product</c>, '',
    /// <c>units</c>; only <paramref name="sku"/> when given), and under product '' the number of sessions. Whole days
    /// answered from their product views per day (<see cref="Sessions.SessionProductViews"/>) come as
    /// <paramref name="dayViews"/> (rows <c>product</c>, <c>sessions</c>, the same meaning) and are added.
    /// </summary>
    public static Sql SessionViews(Sql sessions, string? sku, Sql? dayViews)
    {
        var products = sku is null ? Sql.Query($"view_products") : Sql.Query($"arrayFilter(p -> p = {sku}, view_products)");
        var days = dayViews is { } v
            ? Sql.Query($"""
                UNION ALL
                SELECT product, sessions AS units FROM ({v}) AS day_views
                {(sku is null ? Sql.Query($"") : Sql.Query($"WHERE product IN ('', {sku})"))}
                """)
            : Sql.Query($"");
        return Sql.Query($"""
            SELECT 'view' AS kind, product, '' AS other, sum(units) AS units
            FROM
            (
                SELECT product, count() AS units
                FROM (SELECT view_products FROM ({sessions}) AS report_sessions) AS session_views
                ARRAY JOIN arrayConcat([''], {products}) AS product
                GROUP BY product
                {days}
            ) AS views
            GROUP BY product
            """);
    }

    /// <summary>The most products <see cref="SessionCounts"/> names in its SQL to keep pairs to.</summary>
    public const int MaxListedProducts = 500;

    /// <summary>
    /// Counts over the sessions of <paramref name="sessions"/> with a purchase (with
    /// <see cref="Sessions.SessionSql.ShoppingColumns"/>): <c>item</c> per product bought and <c>pair</c> per product
    /// viewed and other product bought later in the session, of the products in <paramref name="viewed"/> only, and only
    /// pairs in at least <paramref name="minSessions"/> sessions. An order counts in the session of its first purchase event
    /// (<paramref name="orderFacts"/>, <see cref="OrderFacts"/>). <paramref name="dayBuyingSessions"/>: the sessions with a
    /// purchase of the whole days answered from their product views per day. The views and the number of sessions come
    /// from <see cref="SessionViews"/>.
    /// </summary>
    // One row per purchase event of a session, with the session's views: a pair is a view before the purchase, so the rows
    // need no regrouping by session; a session holding the same product in two orders is counted once by uniqExact. A pair
    // is in at most as many sessions as its product was viewed in, so the caller passes only the products viewed in at
    // least the minimum (10 M events, top pairs at 1 %: about ten products instead of 611 k pair groups). ANY LEFT JOIN, not
    // ANY INNER JOIN: on 26.7 the latter keeps one row per key on the left too, and an order's resent purchase event could
    // take the place of its first (an entry without facts buys nothing: first_ms 0, no skus). Empty arrays are
    // typed (emptyArrayString): 18.16 does not unify [] in an if. Columns reach the lambdas as arguments too: 18.16 drops a
    // subquery's column that only a lambda captures.
    public static Sql SessionCounts(Sql sessions, Sql orderFacts, IReadOnlyCollection<string> viewed, long minSessions, Sql? dayBuyingSessions = null)
    {
        // Beyond a few hundred products the list is no prune worth its text (ClickHouse parses at most 256 KiB of a query):
        // every product viewed before the purchase forms pairs, which the HAVING then keeps as the list would.
        var ofViewed = viewed.Count > MaxListedProducts ? Sql.Query($"1") : Sql.Query($"has({viewed.ToList()}, p)");
        var buying = dayBuyingSessions is { } b
            ? Sql.Query($"""
                UNION ALL
                SELECT cityHash64(visitor_id, start_ms) AS session_hash, view_products, view_ms, purchase_orders, purchase_ms
                FROM ({b}) AS day_buying_sessions
                """)
            : Sql.Query($"");
        return Sql.Query($"""
            SELECT kind, product, other, uniqExact(session_hash) AS units
            FROM
            (
                SELECT session_hash, fact.1 AS kind, fact.2 AS product, fact.3 AS others
                FROM
                (
                    SELECT session_hash,
                        arrayConcat(
                            [('item', '', bought)],
                            arrayMap((p, n_bought) -> ('pair', p, arrayFilter(o -> o != p, bought)), viewed_before,
                                arrayResize(emptyArrayUInt64(), length(viewed_before), length(bought)))) AS facts
                    FROM
                    (
                        SELECT session_hash,
                            if(entry_ms = first_ms, skus, emptyArrayString()) AS bought,
                            arrayFilter((p, f, at) -> f < at AND {ofViewed}, view_products, view_ms,
                                arrayResize(emptyArrayUInt64(), length(view_ms), entry_ms)) AS viewed_before
                        FROM
                        (
                            SELECT session_hash, view_products, view_ms, entry.1 AS order_id, entry.2 AS entry_ms
                            FROM
                            (
                                SELECT cityHash64(visitor_id, start_ms) AS session_hash, view_products, view_ms, purchase_orders, purchase_ms
                                FROM ({sessions}) AS report_sessions
                                WHERE notEmpty(purchase_orders)
                                {buying}
                            ) AS buying_sessions
                            ARRAY JOIN arrayMap((o, t) -> (o, t), purchase_orders, purchase_ms) AS entry
                        ) AS session_entries
                        ANY LEFT JOIN ({orderFacts}) AS order_facts USING order_id
                    ) AS session_rows
                ) AS session_facts
                ARRAY JOIN facts AS fact
            ) AS fact_rows
            ARRAY JOIN others AS other
            GROUP BY kind, product, other
            HAVING kind != 'pair' OR units >= {minSessions}
            """);
    }
}
