using Analytics.Customers;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Crm.Affinity;

/// <summary>The reads of <see cref="CustomerRecommendations"/>: one customer's products, and the catalog of prices and categories.</summary>
public static class RecommendationSql
{
    /// <summary>
    /// The distinct SKUs (<c>sku</c>) of the given orders: the CRM's items of those it knows and has not returned, the
    /// first purchase event's items of the others. A tracker order of the view was found among the purchases of the
    /// customer's devices on the days of their sessions (<see cref="CustomerViewSql.DevicePurchases"/>), so only those
    /// events are read (not the site's whole order_id column); without devices, only the CRM's.
    /// </summary>
    public static Sql OrderSkus(string site, IReadOnlyList<string> orderIds, IReadOnlyList<string> visitors, IReadOnlyList<CustomerViewSql.Window> days)
    {
        var crm = Sql.Query($"""
            SELECT item_sku AS order_skus FROM orders FINAL
            WHERE site_id = {site} AND order_id IN {SqlInList.Of(orderIds)} AND status != 'returned'
            """);
        var tracker = visitors.Count == 0 || days.Count == 0 ? Sql.Query($"") : Sql.Query($"""
            UNION ALL
            SELECT extractAll(argMin(props_values[indexOf(props_keys, 'items')], ts_ms), {AffinitySql.ItemSkuPattern}) AS order_skus
            FROM events
            WHERE site_id = {site} AND type = 'purchase' AND vid IN {SqlInList.Of(visitors)} AND ({CustomerViewSql.InWindows(days)})
              AND order_id IN {SqlInList.Of(orderIds)}
              AND order_id NOT IN (SELECT order_id FROM orders FINAL WHERE site_id = {site} AND order_id IN {SqlInList.Of(orderIds)})
            GROUP BY order_id
            """);
        return Sql.Query($"""
            SELECT DISTINCT sku
            FROM ({crm} {tracker}) AS customer_orders
            ARRAY JOIN order_skus AS sku
            WHERE sku != ''
            """);
    }

    /// <summary>
    /// The products (<c>sku</c>) the devices viewed (non-bot product_view events), the latest viewed first. The days of
    /// the devices' sessions hold every such event (<see cref="CustomerViewSql.DaysOf"/>): read only those.
    /// </summary>
    public static Sql ViewedSkus(string site, IReadOnlyList<string> visitors, IReadOnlyList<CustomerViewSql.Window> days) => Sql.Query($"""
        SELECT product AS sku
        FROM (SELECT {AffinitySql.ViewedProduct} AS product, ts_ms FROM events
              WHERE site_id = {site} AND vid IN {SqlInList.Of(visitors)} AND type = 'product_view' AND is_bot = 0
                AND ({CustomerViewSql.InWindows(days)})) AS views
        WHERE product != ''
        GROUP BY product
        ORDER BY max(ts_ms) DESC, product
        """);

    /// <summary>
    /// The catalog of [from, to): per SKU its latest price above 0 and its latest non-empty category, from the CRM's order
    /// items (at the order's time) and the props <c>price</c> and <c>category</c> of product views (at the view's time).
    /// Columns <c>sku</c>, <c>price</c> (0 when none), <c>category</c> ('' when none).
    /// </summary>
    public static Sql Catalog(string site, DateTimeOffset from, DateTimeOffset to) => Sql.Query($"""
        SELECT sku, argMaxIf(seen_price, seen_ts, seen_price > 0) AS price, argMaxIf(seen_category, seen_ts, seen_category != '') AS category
        FROM
        (
            SELECT sku, seen_price, seen_category, seen_ts
            FROM (SELECT item_sku, item_price, item_category, ts AS seen_ts FROM orders FINAL WHERE site_id = {site} AND ts >= {from} AND ts < {to}) AS order_items
            ARRAY JOIN item_sku AS sku, item_price AS seen_price, item_category AS seen_category
            UNION ALL
            SELECT product AS sku, toFloat64OrZero(props_values[indexOf(props_keys, 'price')]) AS seen_price,
                   props_values[indexOf(props_keys, 'category')] AS seen_category, ts AS seen_ts
            FROM (SELECT {AffinitySql.ViewedProduct} AS product, props_keys, props_values, ts FROM events
                  WHERE site_id = {site} AND type = 'product_view' AND is_bot = 0 AND ts >= {from} AND ts < {to}
                    {EventDates.From(from.ToUnixTimeMilliseconds())} {EventDates.Until(to.ToUnixTimeMilliseconds())}) AS views
            WHERE product != ''
        ) AS sightings
        WHERE sku != ''
        GROUP BY sku
        """);
}
