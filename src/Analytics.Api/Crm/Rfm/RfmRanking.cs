namespace Analytics.Crm.Rfm;

/// <summary>One scored customer's figures for RFM: the last order (Unix seconds), orders, revenue rounded to cents.</summary>
public sealed record RfmFigures(string CustomerId, long LastOrderS, long Orders, double Revenue);

/// <summary>
/// A site's RFM scores for a period, from every scored customer's figures read once (<see cref="Customers.CustomerRankings"/>):
/// one customer's scores need the whole site's values. The quintile rule of <see cref="RfmSql"/>, in C#: with N customers
/// scored, a value greater than that of <c>below</c> customers (strictly) scores <c>1 + ⌊5 · below / N⌋</c>; below is
/// found by a binary search in the sorted values, so a customer's scores cost O(log N).
/// </summary>
public sealed class RfmRanking
{
    readonly Dictionary<string, RfmFigures> figures;
    readonly long[] lasts;
    readonly long[] counts;
    readonly double[] revenues;

    /// <param name="scored">The customers with at least one order (not returned) in the period.</param>
    public RfmRanking(IEnumerable<RfmFigures> scored)
    {
        figures = scored.ToDictionary(f => f.CustomerId, StringComparer.Ordinal);
        lasts = figures.Values.Select(f => f.LastOrderS).Order().ToArray();
        counts = figures.Values.Select(f => f.Orders).Order().ToArray();
        revenues = figures.Values.Select(f => f.Revenue).Order().ToArray();
    }

    public int Scored => figures.Count;

    /// <summary>The customer's scores and segment, or null when the customer has no order in the period.</summary>
    public (int R, int F, int M, string Segment)? Of(string customerId)
    {
        if (!figures.TryGetValue(customerId, out var f)) return null;
        var (r, fr, m) = (Score(lasts, f.LastOrderS), Score(counts, f.Orders), Score(revenues, f.Revenue));
        return (r, fr, m, RfmSegmentTable.Of(r, fr, m));
    }

    /// <summary>1 + ⌊5 · below / N⌋, below = how many of the sorted values are strictly less than <paramref name="value"/>.</summary>
    public static int Score<T>(T[] sorted, T value) where T : IComparable<T>
    {
        var (lo, hi) = (0, sorted.Length);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid].CompareTo(value) < 0) lo = mid + 1; else hi = mid;
        }
        return 1 + (int)(5L * lo / sorted.Length);
    }
}
