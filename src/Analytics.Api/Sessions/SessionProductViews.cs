using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Sessions;

/// <summary>
/// Product views per stored day (migration 0033, docs/sessions.md "Product views per day"): per (site, UTC day,
/// generation) the number of the day's stored sessions that viewed each product, and under product '' the number of its
/// sessions. The refresh writes them beside the sessions; the affinity report adds them up for the whole days of its
/// range (<see cref="ISessionSource.SessionsLessDaysAsync"/>) instead of reading 2 M sessions' views (10 M events,
/// 28 days). A day's counts are used only while its stored rows still number the sessions counted: an erasure deletes
/// sessions and leaves these counts as they were, so such a day is read from its sessions until its next refresh.
/// </summary>
public sealed class SessionProductViews(IClickHouse clickHouse)
{
    public const string Table = "session_product_views";

    /// <summary>The INSERT of the counts of the stored sessions of <paramref name="days"/> (consecutive) under <paramref name="generation"/>.</summary>
    public static Sql Refresh(string siteId, IReadOnlyList<DateOnly> days, long generation) => Sql.Query($"""
        INSERT INTO session_product_views (site_id, day, generation, product, sessions)
        SELECT site_id, day, generation, product, count()
        FROM sessions
        ARRAY JOIN arrayConcat([''], view_products) AS product
        WHERE site_id = {siteId} AND day >= {days[0]} AND day <= {days[^1]} AND generation = {generation}
        GROUP BY site_id, day, generation, product
        """);

    /// <summary>
    /// The candidates (days with their generation) whose counts exist and still match their stored sessions: those a
    /// caller can answer from <see cref="Views"/>. (Counts written twice for a generation would not match either.)
    /// </summary>
    // The check counts every stored session of the days (the table is ordered by visitor, so the site's rows are all read:
    // 0.1 s on chDB at 10 M events, 0.2 s on 18.16). Its answer holds while neither table's contents change — an insert,
    // an erasure's or the cleanup's delete, a dropped partition all change TablesVersion.ContentsAsync (a few ms, system
    // tables only) — so the last answer per site is kept with that version. Not on a cluster: its system tables are a node's.
    public async ValueTask<IReadOnlyCollection<DateOnly>> CountedAsync(string siteId, IReadOnlyDictionary<DateOnly, long> candidates, CancellationToken ct)
    {
        if (clickHouse.Cluster is not null) return await CountAsync(siteId, candidates, ct);
        var version = await TablesVersion.ContentsAsync(clickHouse, CheckedTables, ct);
        var key = version + "|" + string.Join(",", candidates.OrderBy(c => c.Key).Select(c => $"{c.Key.DayNumber}:{c.Value}"));
        if (counted.TryGetValue(siteId, out var last) && last.Key == key) return last.Days;
        var days = await CountAsync(siteId, candidates, ct);
        counted[siteId] = (key, days);
        return days;
    }

    static readonly string[] CheckedTables = ["sessions", Table];

    readonly ConcurrentDictionary<string, (string Key, IReadOnlyCollection<DateOnly> Days)> counted = new();

    async ValueTask<IReadOnlyCollection<DateOnly>> CountAsync(string siteId, IReadOnlyDictionary<DateOnly, long> candidates, CancellationToken ct)
    {
        var days = StoredDays.Current(candidates);
        var rows = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT toString(day) AS day_text
            FROM
            (
                SELECT day, generation, sum(sessions) AS counted
                FROM session_product_views
                WHERE site_id = {siteId} AND {days} AND product = ''
                GROUP BY day, generation
            ) AS counts
            ANY INNER JOIN
            (
                SELECT day, generation, count() AS stored
                FROM sessions
                WHERE site_id = {siteId} AND {days}
                GROUP BY day, generation
            ) AS stored_sessions USING day, generation
            WHERE counted = stored
            """), SessionProductViewsJson.Default.CountedDay, ct);
        return rows.Select(r => DateOnly.Parse(r.DayText)).ToList();
    }

    /// <summary>
    /// Columns <c>product</c> and <c>sessions</c>: per product ('' for all sessions) the sessions of <paramref name="days"/>
    /// (with their generation) that viewed it; only <paramref name="product"/> and '' when given.
    /// </summary>
    public static Sql Views(string siteId, IReadOnlyDictionary<DateOnly, long> days, string? product)
    {
        var which = product is null ? Sql.Query($"") : Sql.Query($"AND product IN ('', {product})");
        return Sql.Query($"""
            SELECT product, sum(sessions) AS sessions
            FROM session_product_views
            WHERE site_id = {siteId} AND {StoredDays.Current(days)} {which}
            GROUP BY product
            """);
    }

    /// <summary>
    /// The stored sessions of <paramref name="days"/> (with their generation) that hold a purchase: columns <c>visitor_id</c>,
    /// <c>start_ms</c> and <see cref="SessionSql.ShoppingColumns"/>, as the sessions of those days read (whole days, no visitor
    /// computed alone).
    /// </summary>
    // The days and the purchases are a PREWHERE (not on a cluster, whose Distributed tables leave it to the shards): the
    // table is ordered by visitor, so every row of the site is scanned, and 18.16 read the arrays of all of them (2.2 M
    // sessions and as many superseded ones at 10 M events) for the 87 k with a purchase.
    public Sql BuyingSessions(string siteId, IReadOnlyDictionary<DateOnly, long> days)
    {
        var rows = Sql.Query($"site_id = {siteId} AND {StoredDays.Current(days)} AND notEmpty(purchase_orders)");
        return Sql.Query($"""
            SELECT visitor_id, start_ms, {SessionSql.ShoppingColumns}
            FROM sessions
            {(clickHouse.Cluster is null ? Sql.Query($"PREWHERE {rows}") : Sql.Query($"WHERE {rows}"))}
            """);
    }

    internal sealed record CountedDay(string DayText);
}

[JsonSerializable(typeof(SessionProductViews.CountedDay))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class SessionProductViewsJson : JsonSerializerContext;
