using Analytics.Storage;

namespace Analytics.Customers;

/// <summary>
/// A/B/C (DESIGN.md "Semantics"): customers ranked by revenue in a period, descending; walking down the ranking a
/// customer is A while the revenue of those ranked above it is below <see cref="CustomerOptions.AbcA"/> of the total,
/// B while below <see cref="CustomerOptions.AbcB"/>, else C. Revenue = <see cref="CustomerOrdersSql"/> (tracker purchases and
/// CRM orders deduplicated, returned orders 0) summed by customer. Ties: "above" means strictly more revenue, so customers
/// with equal revenue share a rank and always a class. A customer without positive revenue in the period is not
/// ranked and is C. ClickHouse 18.16 has no window functions: the ranking is one array, sorted, with
/// <c>arrayCumSum</c> over it, and the revenue above a tie group is the running sum before the group's first member:
/// the smallest of the group's running sums, found by a GROUP BY on the revenue. (A lambda that indexes a whole-array
/// column, <c>arrayMap(i -> starts[i], …)</c>, copies that array for every element: 15 GB at 100 000 customers.)
/// </summary>
public static class AbcSql
{
    /// <summary>Per-customer revenue in [from, to), customers with positive revenue only: customer_id, revenue.</summary>
    public static Sql Revenues(CustomerOrders orders, DateTimeOffset from, DateTimeOffset to) => Sql.Query($"""
        SELECT customer_id, sum(revenue) AS revenue
        FROM ({orders.For(from, to)})
        WHERE customer_id != ''
        GROUP BY customer_id
        HAVING revenue > 0
        """);

    /// <summary>
    /// What the cached rankings need of every customer with an order in [from, to), in one read: revenue (all orders,
    /// returned ones count 0: the A/B/C revenue of <see cref="Revenues"/>), and for RFM (<see cref="Crm.Rfm.RfmSql"/>,
    /// orders not returned) orders, last_order_s and rfm_revenue (rounded to cents). Source columns are renamed
    /// (order_*): an alias that another aggregate of the same SELECT reads would be the aggregate.
    /// </summary>
    public static Sql Standings(CustomerOrders orders, DateTimeOffset from, DateTimeOffset to) => Sql.Query($"""
        SELECT customer_id, sum(order_revenue) AS revenue, toInt64(countIf(order_returned = 0)) AS orders,
            toInt64(maxIf(toInt64(order_ts), order_returned = 0)) AS last_order_s, round(sumIf(order_revenue, order_returned = 0), 2) AS rfm_revenue
        FROM
        (
            SELECT customer_id, revenue AS order_revenue, returned AS order_returned, ts AS order_ts
            FROM ({orders.For(from, to)})
            WHERE customer_id != ''
        )
        GROUP BY customer_id
        HAVING revenue > 0 OR orders > 0
        """);

    /// <summary>
    /// Every ranked customer of the site with its class: customer_id, revenue, above (revenue of those with strictly more),
    /// total, class ('A'|'B'|'C'). Customers missing from it (no positive revenue in the period) are C.
    /// </summary>
    public static Sql Classes(CustomerOrders orders, DateTimeOffset from, DateTimeOffset to, CustomerOptions options) => Sql.Query($"""
        SELECT customer_id, revenue, above, total,
            multiIf(above < {options.AbcA} * total, 'A', above < {options.AbcB} * total, 'B', 'C') AS class
        FROM
        (
            SELECT revenue, min(before) AS above, any(ranking_total) AS total, groupArray(customer) AS customers
            FROM
            (
                SELECT ranked.2 AS customer, ranked.1 AS revenue, ranked_before AS before, ranking_total
                FROM
                (
                    SELECT arrayReverseSort(groupArray((revenue, customer_id))) AS ranking,
                        arrayMap(r -> r.1, ranking) AS revenues,
                        arraySum(revenues) AS ranking_total,
                        arrayMap((r, running) -> running - r, revenues, arrayCumSum(revenues)) AS befores
                    FROM ({Revenues(orders, from, to)})
                )
                ARRAY JOIN ranking AS ranked, befores AS ranked_before
            )
            GROUP BY revenue
        )
        ARRAY JOIN customers AS customer_id
        """);

    /// <summary>
    /// The class of one customer without the whole list: one row of revenue (its own in the period, 0 if none),
    /// above (the revenue of the customers with strictly more) and total. <see cref="AbcRule.ClassOf"/> turns it into a class.
    /// </summary>
    public static Sql Standing(CustomerOrders orders, string customerId, DateTimeOffset from, DateTimeOffset to) => Sql.Query($"""
        SELECT customer_revenue AS revenue, total,
            arraySum(arrayFilter((r, own) -> r > own, revenues, arrayResize(emptyArrayFloat64(), length(revenues), customer_revenue))) AS above
        FROM
        (
            SELECT sumIf(revenue, customer_id = {customerId}) AS customer_revenue, groupArray(revenue) AS revenues, sum(revenue) AS total
            FROM ({Revenues(orders, from, to)})
        )
        """);
}

/// <summary>The A/B/C rule on one customer's standing (the same as <see cref="AbcSql.Classes"/>).</summary>
public static class AbcRule
{
    public static string ClassOf(double revenue, double above, double total, CustomerOptions options) =>
        revenue <= 0 ? "C" : above < options.AbcA * total ? "A" : above < options.AbcB * total ? "B" : "C";
}
