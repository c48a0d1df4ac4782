using Analytics.Customers;
using Analytics.Storage;

namespace Analytics.Crm.Rfm;

/// <summary>
/// RFM scores and segments (docs/crm-analytics.md "RFM"). The customers scored are those of the site with at least one
/// order in [from, to) that is not returned (<see cref="CustomerOrdersSql"/>: tracker purchases and CRM orders
/// deduplicated by order id, a linked device's anonymous purchase its customer's). Per customer: the time of the last
/// order (recency), the number of orders (frequency) and their revenue, rounded to cents (monetary).
/// <para>
/// Quintile rule, the same for the three: with N customers scored, a customer whose value is greater than that of
/// <c>below</c> customers (strictly: ties do not count) scores <c>1 + ⌊5 · below / N⌋</c>. Greater is better for all
/// three (a later last order, more orders, more revenue). Equal values always share a score; with distinct values
/// each fifth of the ranking gets one score. No window functions (ClickHouse 18.16): every value goes into one array,
/// sorted, where a tie group's <c>below</c> is the position of its first member − 1; the scores are sorted back into
/// the customers' order by the sorting permutation.
/// </para>
/// </summary>
public static class RfmSql
{
    /// <summary>
    /// One row per scored customer: customer_id, last_order (DateTime), orders, revenue, r, f, m (1–5), segment
    /// (<see cref="RfmSegmentTable"/>). Use it as a subquery.
    /// </summary>
    public static Sql Segments(CustomerOrders orders, DateTimeOffset from, DateTimeOffset to) => Sql.Query($"""
        SELECT customer_id, toDateTime(last_order_s) AS last_order, orders, revenue, r, f, m,
            {RfmSegmentTable.Flat}[(r - 1) * 5 + intDiv(f + m + 1, 2)] AS segment
        FROM
        (
            SELECT groupArray(customer_key) AS keys, groupArray(customer_last_s) AS lasts, groupArray(customer_orders) AS counts,
                groupArray(customer_revenue) AS revenues,
                {Scores(new SqlIdentifier("lasts"), "recency")},
                {Scores(new SqlIdentifier("counts"), "frequency")},
                {Scores(new SqlIdentifier("revenues"), "monetary")}
            FROM
            (
                SELECT customer_id AS customer_key, toInt64(max(ts)) AS customer_last_s, toInt64(count()) AS customer_orders,
                    round(sum(revenue), 2) AS customer_revenue
                FROM ({orders.For(from, to)})
                WHERE customer_id != '' AND returned = 0
                GROUP BY customer_id
            )
        )
        ARRAY JOIN keys AS customer_id, lasts AS last_order_s, counts AS orders, revenues AS revenue, recency_scores AS r, frequency_scores AS f, monetary_scores AS m
        """);

    /// <summary>
    /// The quintile scores of an array column as <c>{prefix}_scores</c>, in the array's own order (see the class comment),
    /// with its steps as columns named after <paramref name="prefix"/>: the sorted values, which sorted position starts a
    /// tie group, the positions where tie groups start, and the sorting permutation.
    /// </summary>
    static Sql Scores(SqlIdentifier values, string prefix)
    {
        var sorted = new SqlIdentifier(prefix + "_sorted");
        var below = new SqlIdentifier(prefix + "_below");
        var order = new SqlIdentifier(prefix + "_order");
        var scores = new SqlIdentifier(prefix + "_scores");
        // Ties sit together once sorted, so arrayEnumerateUniq numbers each value's place in its tie group and
        // position − that place = the values strictly below. Every array reaches the lambdas as an argument: a lambda
        // that captures a whole-array column copies it for each element (gigabytes at 100 000 customers).
        return Sql.Query($"""
            arraySort({values}) AS {sorted},
                arrayMap((i, u) -> toUInt64(i - u), arrayEnumerate({sorted}), arrayEnumerateUniq({sorted})) AS {below},
                arraySort((i, v) -> v, arrayEnumerate({values}), {values}) AS {order},
                arraySort((s, p) -> p, arrayMap((b, n) -> toUInt8(1 + intDiv(5 * b, n)), {below},
                    arrayResize(emptyArrayUInt64(), length({values}), toUInt64(length({values})))), {order}) AS {scores}
            """);
    }
}
