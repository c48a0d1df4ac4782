using Analytics.Storage;

namespace Analytics.Ingestion;

/// <summary>
/// Conditions on <c>toDate(ts)</c>, the second column of the events table's primary key (site_id, toDate(ts), vid, ts),
/// to go beside a range on <c>ts</c>. ClickHouse 18.16 does not carry a condition on <c>ts</c> over to
/// <c>toDate(ts)</c>, so without these a time range reads every day of its months (a visitor filter then finds its
/// rows in every day's granules). The dates are the engine's own (<c>toDate</c> in its time zone, as in the key).
/// </summary>
public static class EventDates
{
    /// <summary><c>AND toDate(ts) &gt;= …</c> for events at or after <paramref name="fromMs"/>.</summary>
    public static Sql From(long fromMs) =>
        fromMs <= 0 ? Sql.Query($"") : Sql.Query($"AND toDate(ts) >= toDate(toDateTime({fromMs / 1000}))");

    /// <summary><c>AND toDate(ts) &lt;= …</c> for events at or before <paramref name="toMs"/>.</summary>
    public static Sql Until(long toMs) =>
        toMs >= OpenEndMs ? Sql.Query($"") : Sql.Query($"AND toDate(ts) <= toDate(toDateTime({toMs / 1000}))");

    /// <summary>
    /// 2100-01-01: bounds past it are open ends (e.g. <c>uint.MaxValue</c> seconds), left out, because 18.16's date
    /// table ends before DateTime does (<c>toDate(toDateTime(4294967295))</c> is 0000-00-00 there).
    /// </summary>
    const long OpenEndMs = 4_102_444_800_000;
}
