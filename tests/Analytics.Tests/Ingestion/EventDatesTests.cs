using Analytics.Ingestion;

namespace Analytics.Tests.Ingestion;

/// <summary>The date bounds that let 18.16 narrow the events key by day: open ends add none (they would wrap there).</summary>
public sealed class EventDatesTests
{
    [Fact]
    public void Bounded_ranges_name_the_dates_and_open_ends_name_none()
    {
        Assert.Equal("AND toDate(ts) >= toDate(toDateTime(1777593600))", EventDates.From(1_777_593_600_999).Text);
        Assert.Equal("AND toDate(ts) <= toDate(toDateTime(1778457600))", EventDates.Until(1_778_457_600_000).Text);
        Assert.Equal("", EventDates.From(0).Text);
        Assert.Equal("", EventDates.Until((long)uint.MaxValue * 1000).Text);
    }
}
