namespace Analytics.Crm.Rfm;

/// <summary>
/// The named RFM segments (docs/crm-analytics.md "RFM"): a segment is read from a 5 × 5 table by the recency score R
/// (row) and the combined frequency-monetary score FM = ⌈(F + M) / 2⌉ (column). The same table feeds
/// <see cref="RfmSql"/> (as a flat array literal) and <see cref="Of"/>, so SQL and C# cannot disagree.
/// </summary>
public static class RfmSegmentTable
{
    public const string Champions = "champions";
    public const string Loyal = "loyal";
    public const string PotentialLoyalists = "potential_loyalists";
    public const string New = "new";
    public const string Promising = "promising";
    public const string NeedAttention = "need_attention";
    public const string AboutToSleep = "about_to_sleep";
    public const string AtRisk = "at_risk";
    public const string CannotLose = "cannot_lose";
    public const string Hibernating = "hibernating";
    public const string Lost = "lost";

    /// <summary>Every segment, best first: the order of the report's rows.</summary>
    public static readonly IReadOnlyList<string> Names =
        [Champions, Loyal, PotentialLoyalists, New, Promising, NeedAttention, AboutToSleep, AtRisk, CannotLose, Hibernating, Lost];

    /// <summary>Rows R = 1..5, columns FM = 1..5.</summary>
    static readonly string[][] Table =
    [
        /* R=1 */ [Lost, Lost, AtRisk, AtRisk, CannotLose],
        /* R=2 */ [Hibernating, Hibernating, AtRisk, AtRisk, CannotLose],
        /* R=3 */ [AboutToSleep, AboutToSleep, NeedAttention, Loyal, Loyal],
        /* R=4 */ [Promising, PotentialLoyalists, PotentialLoyalists, Loyal, Loyal],
        /* R=5 */ [New, PotentialLoyalists, PotentialLoyalists, Champions, Champions],
    ];

    /// <summary>The table row after row: the segment of (R, FM) is at 1-based index (R − 1) · 5 + FM.</summary>
    public static readonly IReadOnlyList<string> Flat = Table.SelectMany(row => row).ToArray();

    /// <summary>FM = ⌈(F + M) / 2⌉: frequency and monetary weigh the same.</summary>
    public static int FrequencyMonetary(int f, int m) => (f + m + 1) / 2;

    public static string Of(int r, int f, int m)
    {
        if (r is < 1 or > 5 || f is < 1 or > 5 || m is < 1 or > 5)
            throw new ArgumentOutOfRangeException(nameof(r), $"RFM scores are 1 to 5, not ({r}, {f}, {m}).");
        return Table[r - 1][FrequencyMonetary(f, m) - 1];
    }

    public static bool IsSegment(string? name) => name is not null && Names.Contains(name, StringComparer.Ordinal);
}
