namespace Analytics.Crm.Affinity;

/// <summary>
/// Support, confidence and lift from counts (docs/crm-analytics.md): over <c>n</c> units (baskets or sessions),
/// support = both / n, confidence = both / units with the product, lift = confidence / (units with the other / n).
/// </summary>
public static class AffinityMeasures
{
    /// <summary>
    /// The rules of the pair counts; <paramref name="symmetric"/> pairs were counted once (product &lt; other) and give a
    /// rule each way. A pair whose single counts are missing (cannot happen with consistent counts) is left out.
    /// </summary>
    public static List<AffinityRule> Rules(long units, IReadOnlyDictionary<string, long> withProduct, IReadOnlyDictionary<string, long> withOther,
        IEnumerable<(string Product, string Other, long Both)> pairs, bool symmetric)
    {
        var rules = new List<AffinityRule>();
        foreach (var (product, other, both) in pairs)
        {
            if (Rule(units, product, other, both, withProduct, withOther) is { } rule) rules.Add(rule);
            if (symmetric && Rule(units, other, product, both, withProduct, withOther) is { } reverse) rules.Add(reverse);
        }
        return rules;
    }

    public static AffinityRule? Rule(long units, string product, string other, long both,
        IReadOnlyDictionary<string, long> withProduct, IReadOnlyDictionary<string, long> withOther)
    {
        if (units <= 0 || !withProduct.TryGetValue(product, out var a) || a <= 0 || !withOther.TryGetValue(other, out var b) || b <= 0) return null;
        var confidence = (double)both / a;
        return new AffinityRule(product, other, both, Round((double)both / units), Round(confidence), Round(confidence / ((double)b / units)));
    }

    /// <summary>The rules reaching <paramref name="minSupport"/>, by lift, then support, then product and other (ordinal).</summary>
    public static List<AffinityRule> Top(IEnumerable<AffinityRule> rules, long units, double minSupport, int limit) =>
        rules.Where(r => r.Count >= minSupport * units - 1e-9)
            .OrderByDescending(r => r.Lift).ThenByDescending(r => r.Support).ThenBy(r => r.Product, StringComparer.Ordinal).ThenBy(r => r.Other, StringComparer.Ordinal)
            .Take(limit).ToList();

    static double Round(double value) => Math.Round(value, 4);
}
