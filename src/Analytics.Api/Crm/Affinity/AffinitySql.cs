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

    /// <summary>The product of a product_view: its <c>id</c> prop, else its <c>sku</c> prop.</summary>
    public static readonly Sql ViewedProduct =
        Sql.Query($"if(has(props_keys, 'id'), props_values[indexOf(props_keys, 'id')], props_values[indexOf(props_keys, 'sku')])");

    /// <summary>
    /// One row per order of the range that is not returned, with its distinct SKUs (<c>skus</c>, none empty): the CRM
    /// order's items when the CRM knows the order, else those of its first purchase event (<see cref="OrdersSql"/>).
    /// With filters only orders of a customer or visitor with a matching event in the range.
    /// </summary>
    public static Sql Baskets(ReportScope scope)
    {
        var site = scope.Site.Id;
        var matching = scope.Conditions.Count == 0 ? Sql.Query($"1") : Sql.Query($"""
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
        var kept = products is null
            ? Sql.Query($"HAVING kind != 'pair' OR units >= {minSupport} * (SELECT count() FROM ({baskets}) WHERE notEmpty(skus))")
            : Sql.Query($"");
        return Sql.Query($"""
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
            {kept}
            """);
    }

    /// <summary>
    /// The shopping events of the site from <paramref name="fromMs"/> to <paramref name="toMs"/>, one row per event and
    /// product (<c>vid</c>, <c>ts_ms</c>, <c>is_view</c>, <c>sku</c>): product views, and each order's first purchase
    /// event with the order's SKUs (the CRM's items when it knows the order; a returned order is left out). With
    /// <paramref name="viewedSku"/> only the views of that product (the bulk of these events are views of others).
    /// </summary>
    public static Sql ShoppingEvents(string site, long fromMs, long toMs, string? viewedSku = null)
    {
        var ofViewed = viewedSku is null ? Sql.Query($"") : Sql.Query($"AND product = {viewedSku}");
        var (from, to) = (DateTimeOffset.FromUnixTimeMilliseconds(fromMs), DateTimeOffset.FromUnixTimeMilliseconds(toMs));
        var range = Sql.Query($"""
            site_id = {site} AND is_bot = 0 AND ts >= {from} AND ts <= {to} AND ts_ms >= {fromMs} AND ts_ms < {toMs}
              {EventDates.From(fromMs)} {EventDates.Until(toMs)}
            """);
        return Sql.Query($"""
            SELECT vid, ts_ms, toUInt8(1) AS is_view, product AS sku
            FROM (SELECT vid, ts_ms, {ViewedProduct} AS product FROM events WHERE {range} AND type = 'product_view') AS views
            WHERE product != '' {ofViewed}
            UNION ALL
            SELECT purchase_vid AS vid, purchase_ms AS ts_ms, toUInt8(0) AS is_view, sku
            FROM
            (
                SELECT purchase_vid, purchase_ms, if(in_crm = 1, crm_skus, extractAll(tracker_items, {ItemSkuPattern})) AS order_skus
                FROM
                (
                    SELECT order_id, argMin(vid, ts_ms) AS purchase_vid, min(ts_ms) AS purchase_ms,
                           argMin(props_values[indexOf(props_keys, 'items')], ts_ms) AS tracker_items
                    FROM purchase_events WHERE {range} AND order_id != ''
                    GROUP BY order_id
                ) AS purchases
                ANY LEFT JOIN
                (
                    SELECT order_id, toUInt8(1) AS in_crm, item_sku AS crm_skus, status AS crm_status
                    FROM orders FINAL
                    WHERE site_id = {site} AND order_id IN (SELECT order_id FROM purchase_events WHERE {range} AND order_id != '')
                ) AS crm_orders USING order_id
                WHERE crm_status != 'returned'
            ) AS purchase_items
            ARRAY JOIN arrayDistinct(arrayFilter(s -> s != '', order_skus)) AS sku
            """);
    }

    /// <summary>
    /// Counts over the sessions of <paramref name="sessions"/> (columns visitor_id, start_ms, end_ms) that hold a
    /// shopping event: <c>view</c> per product viewed, <c>item</c> per product bought, and <c>pair</c> per product
    /// viewed and other product bought later in the session (of <paramref name="sku"/> only when given; else pairs in
    /// at least <paramref name="minSessions"/> sessions). The caller counts all sessions apart.
    /// </summary>
    // Only sessions of visitors with shopping events go through the arrays (an inner join): most sessions have none.
    // ALL, not ANY: the right side has one row per visitor, and on 26.x ANY INNER keeps one row per key of the left side too.
    // Columns reach the lambdas as arguments: 18.16 drops a subquery's column that only a lambda captures ("Unknown identifier").
    public static Sql SessionCounts(Sql sessions, Sql shoppingEvents, string? sku, long minSessions)
    {
        var ofSku = sku is null ? Sql.Query($"1") : Sql.Query($"product_i = {sku}");
        var kept = sku is null ? Sql.Query($"HAVING kind != 'pair' OR units >= {minSessions}") : Sql.Query($"");
        return Sql.Query($"""
            SELECT fact.1 AS kind, fact.2 AS product, fact.3 AS other, count() AS units
            FROM
            (
                SELECT arrayConcat(
                    arrayFilter((f, keep) -> keep = 1, [('view', product_i, '')], [toUInt8(viewed_i = 1 AND {ofSku})]),
                    arrayFilter((f, keep) -> keep = 1, [('item', '', product_i)], [bought_i]),
                    arrayMap((o, p) -> ('pair', p, o), others, arrayResize(emptyArrayString(), length(others), product_i))) AS facts
                FROM
                (
                    SELECT product_i, viewed_i, bought_i,
                        if(viewed_i = 1 AND {ofSku},
                            arrayFilter((o, b, last, p, first) -> b = 1 AND o != p AND last > first, products, bought, last_buy_ms,
                                arrayResize(emptyArrayString(), length(products), product_i), arrayResize(emptyArrayUInt64(), length(products), first_i)),
                            emptyArrayString()) AS others
                    FROM
                    (
                        SELECT products, bought, last_buy_ms, products[i] AS product_i, viewed[i] AS viewed_i, bought[i] AS bought_i, first_view_ms[i] AS first_i
                        FROM
                        (
                            SELECT visitor_id, start_ms, groupArray(sku) AS products, groupArray(has_view) AS viewed, groupArray(has_buy) AS bought,
                                   groupArray(first_view) AS first_view_ms, groupArray(last_buy) AS last_buy_ms
                            FROM
                            (
                                SELECT visitor_id, start_ms, event.3 AS sku, max(event.2) AS has_view, toUInt8(min(event.2) = 0) AS has_buy,
                                       toUInt64(minIf(event.1, event.2 = 1)) AS first_view, toUInt64(maxIf(event.1, event.2 = 0)) AS last_buy
                                FROM
                                (
                                    SELECT visitor_id, start_ms,
                                           arrayFilter((e, t, lo, hi) -> t >= lo AND t <= hi, arrayMap((t, v, s) -> (t, v, s), match_ms, match_views, match_skus),
                                               match_ms, arrayResize(emptyArrayUInt64(), length(match_ms), toUInt64(start_ms)),
                                               arrayResize(emptyArrayUInt64(), length(match_ms), toUInt64(end_ms))) AS session_events
                                    FROM ({sessions}) AS report_sessions
                                    ALL INNER JOIN
                                    (
                                        SELECT vid AS visitor_id, groupArray(ts_ms) AS match_ms, groupArray(is_view) AS match_views, groupArray(sku) AS match_skus
                                        FROM ({shoppingEvents}) AS shopping
                                        GROUP BY vid
                                    ) AS visitor_events USING visitor_id
                                ) AS sessions_with_events
                                ARRAY JOIN session_events AS event
                                GROUP BY visitor_id, start_ms, sku
                            ) AS session_products
                            GROUP BY visitor_id, start_ms
                        ) AS session_baskets
                        ARRAY JOIN arrayEnumerate(products) AS i
                    ) AS session_items
                ) AS session_pairs
            ) AS session_facts
            ARRAY JOIN facts AS fact
            GROUP BY kind, product, other
            {kept}
            """);
    }
}
