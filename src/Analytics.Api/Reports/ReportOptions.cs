namespace Analytics.Reports;

/// <summary>Settings of the reports (section <c>Reports</c>; docs/reports.md).</summary>
public sealed class ReportOptions
{
    /// <summary>How long an answer is kept for the same question (0 turns the cache off); new data ends it sooner.</summary>
    public int CacheSeconds { get; set; } = 30;

    /// <summary>At most this many answers are kept.</summary>
    public int CacheEntries { get; set; } = 1000;

    /// <summary>A breakdown's rows when the request names no <c>limit</c>; at most <see cref="MaxBreakdownRows"/>.</summary>
    public int DefaultBreakdownRows { get; set; } = 10;

    public const int MaxBreakdownRows = 1000;
}
