using Analytics.Reports.Filters;
using Analytics.Storage;

namespace Analytics.Reports.Funnel;

/// <summary>
/// The funnel as SQL that ClickHouse 18.16 and 26.7 both run. Not <c>windowFunnel</c>: on 18.16 it takes whole seconds
/// only (DateTime or UInt32, so no millisecond window edge), it has no <c>strict_increase</c> mode (18.16 refuses a second
/// parameter) and counts two steps on events of the same time, or on one event matching both, and it gives no step
/// times for the median. Instead, per person, arrays:
/// <list type="number">
/// <item>the times of the events matching each step, sorted; the candidate starts are the step-1 events in the range;</item>
/// <item>from each start, the earliest event of step 2 strictly after it, of step 3 strictly after that, …, none later
///   than start + window (inclusive). Taking the earliest is optimal for a fixed start, so the person's level is the
///   longest such chain over all starts: exactly "events of steps 1..k in order, strictly increasing times, within the
///   window after the step-1 event";</item>
/// <item>the chosen path: the chain of the earliest start that reaches the person's level. Its step times give the times
///   from the previous step (for the median) and its start event gives the breakdown value.</item>
/// </list>
/// Only events matching the report's filters count (through <see cref="ReportSql.EventPersonHashes"/>).
/// Starts lie in the range; later steps may follow up to the window past its end. Cost: per person, starts × events of
/// each step (quadratic for a person with very many events of the first steps).
/// </summary>
public static class FunnelSql
{
    /// <summary>SQL over <c>type</c>, <c>path</c> and <c>name</c> that is 1 when an event matches the step.</summary>
    public static Sql Matches(FunnelStep step)
    {
        var path = step.Path is { } p ? Sql.Query($"AND {PathPattern.Matches(p)}") : Sql.Query($"");
        var name = step.Name is { } n ? Sql.Query($"AND name = {n}") : Sql.Query($"");
        return Sql.Query($"(type = {step.Type} {path} {name})");
    }

    /// <summary>
    /// One row per person with a step-1 event in the range: <c>person_hash</c> (<c>cityHash64</c> of the person: of the
    /// customer id for a customer, <see cref="ReportSql.EventPersonHashes"/>), <c>identified</c> (1 when the person is a
    /// customer), <c>level</c> (the last step reached, 1..n), <c>step_ms</c> (the chosen path's step times, as many as the
    /// level) and <c>breakdown_value</c> (its start event's value of <paramref name="breakdown"/>, '' without one).
    /// Persons are grouped by hash, not by id: no person string is built per event (<see cref="CustomersOf"/> finds the
    /// ids of identified ones).
    /// </summary>
    public static Sql Persons(ReportScope scope, IReadOnlyList<FunnelStep> steps, long windowMs, ReportDimension? breakdown)
    {
        var breakdownValue = breakdown?.Value ?? Sql.Query($"''");
        // ReportSql.Events selects the value it is given (over the columns of the dimension passed): here the event's
        // path, name, breakdown value and whether its visitor is linked to a customer, as one tuple.
        var carrier = new ReportDimension("funnel_event", DimensionSource.Event, Sql.Query($""), ["path", "name", .. breakdown?.Columns ?? []]);
        // Only events that match a step are read (their types, then the steps' conditions, before the persons are
        // resolved): another event is in no step's array, and a person's identified flag is the same on all their events.
        var anyStep = steps.Select(Matches).Aggregate((all, step) => Sql.Query($"{all} OR {step}"));
        var events = ReportSql.EventPersonHashes(scope, scope.FromMs, scope.ToMs + windowMs, carrier,
            Sql.Query($"tuple(path, name, {breakdownValue}, linked)"), types: [.. steps.Select(s => s.Type!).Distinct(StringComparer.Ordinal)], where: anyStep);
        var stepTimes = Join(steps.Skip(1).Select((s, i) => Sql.Query($", arraySort(groupArrayIf(ts_ms, {Matches(s)})) AS {Name("times", i + 2)}")));
        // The step's times go into the lambda as an argument (one copy per start), not captured: ClickHouse 18.16 loses a
        // subquery's column that only a nested lambda captures ("Unknown identifier"). 18.16 has no arrayMax either.
        var chains = Join(steps.Skip(1).Select((_, i) => Sql.Query($"""
            , arrayMap((s, p, candidates) -> if(p = 0, toUInt64(0), arrayFirst(t -> t > p AND t <= s + {windowMs}, candidates)),
                c1, {Name("c", i + 1)}, arrayResize([{Name("times", i + 2)}], length(c1), {Name("times", i + 2)})) AS {Name("c", i + 2)}
            """)));
        var levelArgs = Comma(steps.Select((_, i) => Sql.Query($"{Name("c", i + 1)}")));
        var levelParams = Comma(steps.Select((_, i) => Sql.Query($"{Name("x", i + 1)}")));
        var levelSum = Plus(steps.Skip(1).Select((_, i) => Sql.Query($"({Name("x", i + 2)} > 0)")));
        var stepMs = Comma(steps.Select((_, i) => Sql.Query($"{Name("c", i + 1)}[chosen]")));
        return Sql.Query($"""
            SELECT person_hash, identified, level, arraySlice([{stepMs}], 1, level) AS step_ms, starts[chosen].2 AS breakdown_value
            FROM
            (
                SELECT person_hash, identified, starts,
                    arrayMap(x -> x.1, starts) AS c1 {chains},
                    arrayMap(({levelParams}) -> toUInt32(1 + {levelSum}), {levelArgs}) AS levels,
                    arrayReduce('max', levels) AS level,
                    arrayFirstIndex((l, top) -> l = top, levels, arrayResize(emptyArrayUInt32(), length(levels), level)) AS chosen
                FROM
                (
                    SELECT person_hash, max(event_identified) AS identified,
                        arraySort(groupArrayIf((ts_ms, event_breakdown), {Matches(steps[0])} AND ts_ms < {scope.ToMs})) AS starts
                        {stepTimes}
                    FROM
                    (
                        SELECT ts_ms, type, person_hash, value.1 AS path, value.2 AS name, value.3 AS event_breakdown, value.4 AS event_identified
                        FROM ({events})
                    )
                    GROUP BY person_hash
                    HAVING notEmpty(starts)
                )
            )
            """);
    }

    /// <summary>
    /// The customer ids of the site whose hash is in <paramref name="personHashes"/> (SQL selecting one column of
    /// <c>person_hash</c> values of identified persons): column <c>person</c>, one row per customer.
    /// </summary>
    public static Sql CustomersOf(string siteId, Sql personHashes) => Sql.Query($"""
        SELECT customer_id AS person FROM identity_links
        WHERE site_id = {siteId} AND cityHash64(customer_id) IN ({personHashes})
        GROUP BY customer_id
        """);

    /// <summary>
    /// Per value of <paramref name="group"/> (SQL over <c>breakdown_value</c>; <c>''</c> for the whole funnel): <c>persons</c>
    /// (how many reached each step) and <c>median_ms</c> (per step, the median over the persons who reached it of the
    /// chosen path's time from the previous step; -1 for step 1 and for a step nobody reached).
    /// </summary>
    public static Sql Steps(Sql persons, int stepCount, Sql group)
    {
        var reached = Comma(Enumerable.Range(1, stepCount).Select(k => Sql.Query($"countIf(level >= {k})")));
        var gaps = Join(Enumerable.Range(2, stepCount - 1).Select(k =>
            Sql.Query($", arraySort(groupArrayIf(step_ms[{k}] - step_ms[{k - 1}], level >= {k})) AS {Name("gaps", k)}")));
        var medians = Comma(Enumerable.Range(2, stepCount - 1).Select(k => Median(Name("gaps", k))));
        return Sql.Query($"""
            SELECT value, persons, [toFloat64(-1), {medians}] AS median_ms
            FROM
            (
                SELECT {group} AS value, [{reached}] AS persons {gaps}
                FROM ({persons})
                GROUP BY value
            )
            """);
    }

    /// <summary>The median of a sorted array column: its middle value, or the mean of the two middle ones; -1 when empty.</summary>
    static Sql Median(SqlIdentifier a) => Sql.Query($"""
        if(empty({a}), toFloat64(-1), if(length({a}) % 2 = 1, toFloat64({a}[intDiv(length({a}), 2) + 1]),
            ({a}[intDiv(length({a}), 2)] + {a}[intDiv(length({a}), 2) + 1]) / 2))
        """);

    static SqlIdentifier Name(string prefix, int step) => new($"{prefix}{step}");

    static Sql Join(IEnumerable<Sql> parts) => parts.Aggregate(Sql.Query($""), (all, part) => Sql.Query($"{all} {part}"));

    static Sql Comma(IEnumerable<Sql> parts) => parts.Aggregate((Sql?)null, (all, part) => all is { } a ? Sql.Query($"{a}, {part}") : part) ?? Sql.Query($"");

    static Sql Plus(IEnumerable<Sql> parts) => parts.Aggregate((Sql?)null, (all, part) => all is { } a ? Sql.Query($"{a} + {part}") : part) ?? Sql.Query($"0");
}
