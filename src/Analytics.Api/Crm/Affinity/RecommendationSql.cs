using Analytics.Customers;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Crm.Affinity;

/// <summary>The reads of <see cref="CustomerRecommendations"/>: one customer's products, and the catalog of prices and categories.</summary>
public static class RecommendationSql
{
    /// <summary>
    /// The distinct SKUs (<c>sku</c>) of the CRM's items of these orders that are not returned. The items of the tracker's
    /// orders come from their first purchase events, which the view has read already (<see cref="DeviceEvents.ItemSkus"/>).
    /// </summary>
    public static Sql OrderSkus(string site, IReadOnlyList<string> crmOrderIds) => Sql.Query($"""
        SELECT DISTINCT sku
        FROM (SELECT item_sku FROM orders FINAL WHERE site_id = {site} AND order_id IN {SqlInList.Of(crmOrderIds)} AND status != 'returned') AS customer_orders
        ARRAY JOIN item_sku AS sku
        WHERE sku != ''
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
            FROM (SELECT {EventColumns.ViewedProduct} AS product, props_keys, props_values, ts FROM events
                  WHERE site_id = {site} AND type = 'product_view' AND is_bot = 0 AND ts >= {from} AND ts < {to}
                    {EventDates.From(from.ToUnixTimeMilliseconds())} {EventDates.Until(to.ToUnixTimeMilliseconds())}) AS views
            WHERE product != ''
        ) AS sightings
        WHERE sku != ''
        GROUP BY sku
        """);
}
