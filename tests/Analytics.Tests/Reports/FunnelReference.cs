using Analytics.Ingestion;

namespace Analytics.Tests.Reports;

/// <summary>
/// DESIGN.md's funnel computed in plain C# by searching every chain (no greedy shortcut): a person reaches step k when
/// events matching steps 1..k occur in that order with strictly increasing times, all within the window after the step-1
/// event (inclusive). The chosen path of a person is the lexicographically smallest chain of its longest length (the
/// earliest start, then the earliest event at each step); its gaps give the medians and its start the breakdown value.
/// </summary>
public static class FunnelReference
{
    public sealed record Step(string Type, string? Path = null, string? Name = null)
    {
        public bool Matches(EventRow e) => e.Type == Type && (Name is null || e.Name == Name) && (Path is null || PathMatches(Path, e.Path));
    }

    public sealed record PersonPath(string Person, List<EventRow> Chain);

    /// <summary><c>*</c> stands for any characters, <c>/</c> included; the pattern covers the whole path.</summary>
    public static bool PathMatches(string pattern, string path)
    {
        if (!pattern.Contains('*')) return pattern == path;
        var parts = pattern.Split('*');
        if (!path.StartsWith(parts[0], StringComparison.Ordinal) || path.Length < parts[0].Length + parts[^1].Length || !path.EndsWith(parts[^1], StringComparison.Ordinal)) return false;
        var at = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = path.IndexOf(parts[i], at, StringComparison.Ordinal);
            if (found < 0) return false;
            at = found + parts[i].Length;
        }
        return at <= path.Length - parts[^1].Length;
    }

    /// <summary>Per person with a step-1 event in [from, to): its chosen path (events matching <paramref name="counts"/> only).</summary>
    public static List<PersonPath> Paths(IEnumerable<EventRow> events, Func<EventRow, string> person, IReadOnlyList<Step> steps, long windowMs, long fromMs, long toMs,
        Func<EventRow, bool>? counts = null)
    {
        counts ??= _ => true;
        var result = new List<PersonPath>();
        foreach (var group in events.Where(e => !e.IsBot && e.TsMs >= fromMs && e.TsMs < toMs + windowMs && counts(e)).GroupBy(person))
        {
            var own = group.OrderBy(e => e.TsMs).ToList();
            List<EventRow>? best = null;
            foreach (var start in own.Where(e => steps[0].Matches(e) && e.TsMs < toMs))
            {
                var chain = Longest([start], own, steps, windowMs);
                if (best is null || chain.Count > best.Count || (chain.Count == best.Count && Earlier(chain, best))) best = chain;
            }
            if (best is not null) result.Add(new PersonPath(group.Key, best));
        }
        return result;
    }

    static List<EventRow> Longest(List<EventRow> chain, List<EventRow> own, IReadOnlyList<Step> steps, long windowMs)
    {
        if (chain.Count == steps.Count) return chain;
        var best = chain;
        foreach (var next in own.Where(e => steps[chain.Count].Matches(e) && e.TsMs > chain[^1].TsMs && e.TsMs <= chain[0].TsMs + windowMs))
        {
            var longer = Longest([.. chain, next], own, steps, windowMs);
            if (longer.Count > best.Count || (longer.Count == best.Count && Earlier(longer, best))) best = longer;
        }
        return best;
    }

    static bool Earlier(List<EventRow> a, List<EventRow> b)
    {
        for (var i = 0; i < a.Count; i++)
            if (a[i].TsMs != b[i].TsMs) return a[i].TsMs < b[i].TsMs;
        return false;
    }

    /// <summary>Persons per step and the median seconds from the previous step (null for step 1 and an empty step).</summary>
    public static (long[] Persons, double?[] Medians) Steps(IReadOnlyList<PersonPath> paths, int stepCount) => (
        Enumerable.Range(1, stepCount).Select(k => (long)paths.Count(p => p.Chain.Count >= k)).ToArray(),
        Enumerable.Range(1, stepCount).Select(k => k == 1 ? null : Median(paths.Where(p => p.Chain.Count >= k).Select(p => p.Chain[k - 1].TsMs - p.Chain[k - 2].TsMs).ToList())).ToArray());

    static double? Median(List<long> gaps)
    {
        if (gaps.Count == 0) return null;
        gaps.Sort();
        var n = gaps.Count;
        return (n % 2 == 1 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2.0) / 1000.0;
    }
}
