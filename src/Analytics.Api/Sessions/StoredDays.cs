using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Sessions;

/// <summary>A (site, UTC day) whose refresh is current: its generation, and whether that refresh wrote visitor hours too.</summary>
public readonly record struct StoredDay(long Generation, bool Hours);

/// <summary>
/// Which days of a site the refresh has stored and nothing has changed since (docs/sessions.md "Stored sessions"): a
/// day is served when its current generation was refreshed after its last dirty mark by more than the delay. Read by
/// the stored sessions and the visitor hours alike, so both switch a day at the same moment.
/// </summary>
public static class StoredDays
{
    /// <summary>
    /// The served days of [<paramref name="firstDay"/>, <paramref name="lastDay"/>] (either open) and their current
    /// generation, and the days of the range with a stored day or a mark, served or not, ascending (the known days: a day
    /// with events is one, since the events writer marks a day before its rows become visible).
    /// </summary>
    public static async Task<(Dictionary<DateOnly, StoredDay> Served, IReadOnlyList<DateOnly> Known)> ServedAsync(IClickHouse clickHouse, string siteId,
        DateOnly? firstDay, DateOnly? lastDay, TimeSpan delay, CancellationToken ct)
    {
        var range = Sql.Query($"{(firstDay is { } a ? Sql.Query($"AND day >= {a}") : Sql.Query($""))} {(lastDay is { } b ? Sql.Query($"AND day <= {b}") : Sql.Query($""))}");
        var days = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT toString(day) AS day_text, argMax(generation, version) AS generation, argMax(hours, version) AS hours,
                toUInt32(argMax(refreshed_from_mark, version)) AS refreshed, toUInt32(max(marked_at)) AS last_mark
            FROM
            (
                SELECT day, generation, version, hours, refreshed_from_mark, toDateTime(0) AS marked_at
                FROM session_days WHERE site_id = {siteId} {range}
                UNION ALL
                SELECT day, toUInt64(0) AS generation, toUInt64(0) AS version, toUInt8(0) AS hours, toDateTime(0) AS refreshed_from_mark, marked_at
                FROM session_dirty_days WHERE site_id = {siteId} {range}
            ) AS known_days
            GROUP BY day
            """), StoredDaysJson.Default.KnownDay, ct);
        var seconds = (long)delay.TotalSeconds;
        var served = days.Where(d => d.Refreshed > 0 && d.LastMark + seconds < d.Refreshed)
            .ToDictionary(d => DateOnly.Parse(d.DayText), d => new StoredDay(d.Generation, d.Hours == 1));
        return (served, days.Select(d => DateOnly.Parse(d.DayText)).Order().ToList());
    }

    /// <summary>The rows of the given days' current generations, to AND into a WHERE over a table with <c>day</c> and <c>generation</c>.</summary>
    public static Sql Current(IReadOnlyDictionary<DateOnly, long> days)
    {
        var generations = days.GroupBy(d => d.Value)
            .Select(g => Sql.Query($"(generation = {g.Key} AND day IN {SqlInList.Of(g.Select(d => d.Key).Order())})"))
            .Aggregate((a, b) => Sql.Query($"{a} OR {b}"));
        return Sql.Query($"day >= {days.Keys.Min()} AND day <= {days.Keys.Max()} AND ({generations})");
    }

    internal sealed record KnownDay(string DayText, long Generation, long Hours, long Refreshed, long LastMark);
}

[JsonSerializable(typeof(StoredDays.KnownDay))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class StoredDaysJson : JsonSerializerContext;
