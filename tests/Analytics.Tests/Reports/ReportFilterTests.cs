using Analytics.Reports.Filters;
using Analytics.Sites;

namespace Analytics.Tests.Reports;

/// <summary>The one filter model: parsing of filters and times, the scope in a site's zone, the previous period and the buckets.</summary>
public class ReportFilterTests
{
    static readonly Site Berlin = new("s1", "k1", "Shop", ["shop.example"], "Europe/Berlin", 30, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("country:is:DE", "country", FilterOperator.Is, "DE")]
    [InlineData("device:is_not:desktop", "device", FilterOperator.IsNot, "desktop")]
    [InlineData("page:contains:/shoes:red", "page", FilterOperator.Contains, "/shoes:red")]
    [InlineData("channel:in:social|email|social", "channel", FilterOperator.In, "email|social")]
    [InlineData("utm_source:is:", "utm_source", FilterOperator.Is, "")]
    [InlineData("language:is:de-DE", "language", FilterOperator.Is, "de-DE")]
    [InlineData("customer_class:in:B|A", "customer_class", FilterOperator.In, "A|B")]
    [InlineData("crm_segment:is:vip", "crm_segment", FilterOperator.Is, "vip")]
    public void A_filter_reads_dimension_operator_and_value(string text, string dimension, FilterOperator op, string values)
    {
        var condition = ReportFilterParser.ParseCondition(text, out var error);
        Assert.Null(error);
        Assert.Equal(dimension, condition!.Dimension.Name);
        Assert.Equal(op, condition.Operator);
        Assert.Equal(values, string.Join('|', condition.Values));
    }

    [Theory]
    [InlineData("country", "DIMENSION:OPERATOR:VALUE")]
    [InlineData("colour:is:red", "not a dimension")]
    [InlineData("country:equals:DE", "not an operator")]
    [InlineData("entry_page:is:/", "not a filter")]
    [InlineData("segment:is:vip", "not available yet")]
    [InlineData("page:contains:", "needs a value")]
    public void A_bad_filter_says_what_is_wrong(string text, string message)
    {
        Assert.Null(ReportFilterParser.ParseCondition(text, out var error));
        Assert.Contains(message, error);
    }

    [Fact]
    public void Each_operator_becomes_its_sql_over_the_dimension_column()
    {
        string Sql(string filter) => ReportSql.Condition(ReportFilterParser.ParseCondition(filter, out _)!).Text;
        Assert.Equal("AND `country` = 'DE'", Sql("country:is:DE"));
        Assert.Equal("AND `device` != 'desktop'", Sql("device:is_not:desktop"));
        Assert.Equal("AND positionCaseInsensitiveUTF8(`path`, 'o\\'neil') > 0", Sql("page:contains:o'neil"));
        Assert.Equal("AND `channel` IN ('email', 'social')", Sql("channel:in:social|email"));
        Assert.Equal("AND `lang` = 'de'", Sql("language:is:de"));
    }

    [Fact]
    public void A_person_dimension_joins_the_person_facts_only_when_a_filter_or_breakdown_names_it()
    {
        ReportScope Scope(params string[] filters) =>
            ReportScope.Resolve(new ReportInput("k1", "2026-03-01", "2026-03-31", filters), Berlin, DateTimeOffset.UnixEpoch);
        var plain = ReportSql.Events(Scope("country:is:DE")).Text;
        Assert.DoesNotContain("abc_class", plain);
        Assert.DoesNotContain("person_segment", plain);
        var byClass = ReportSql.Events(Scope("customer_class:is:A")).Text;
        Assert.Contains("AS abc_class", byClass);
        Assert.Contains("AND if(linked = 0, 'anonymous', if(abc_class = '', 'C', abc_class)) = 'A'", byClass);
        Assert.DoesNotContain("person_segment", byClass);
        var both = ReportSql.Events(Scope("customer_class:is:A", "crm_segment:is:vip")).Text;
        Assert.Contains("AS person_segment", both);
        Assert.Contains("AS abc_class", both);
    }

    [Fact]
    public void The_same_filters_in_another_order_are_the_same_scope()
    {
        var a = ReportScope.Resolve(new ReportInput("k1", "2026-03-01", "2026-03-02", ["country:is:DE", "channel:in:b|a"]), Berlin, DateTimeOffset.UtcNow);
        var b = ReportScope.Resolve(new ReportInput("k1", "2026-03-01", "2026-03-02", ["channel:in:a|b", "country:is:DE"]), Berlin, DateTimeOffset.UtcNow);
        Assert.Equal(a.Key, b.Key);
    }

    [Theory]
    [InlineData("2026-03-29", "2026-03-29T00:00:00+01:00")]
    [InlineData("2026-03-29T10:00", "2026-03-29T10:00:00+02:00")]
    [InlineData("2026-03-29T02:30", "2026-03-29T03:00:00+02:00")] // skipped by the clocks: the instant they jump to
    [InlineData("2026-10-25T02:30", "2026-10-25T02:30:00+02:00")] // twice: the first (summer time)
    [InlineData("2026-03-29T10:00:00Z", "2026-03-29T10:00:00+00:00")]
    [InlineData("2026-03-29T10:00:00+05:30", "2026-03-29T10:00:00+05:30")]
    public void A_from_is_read_in_the_site_time_zone_unless_it_has_an_offset(string text, string instant)
    {
        var time = ReportFilterParser.ParseTime(text, out var error);
        Assert.Null(error);
        Assert.Equal(DateTimeOffset.Parse(instant), time!.Value.Resolve(ReportTimeZone.Find("Europe/Berlin"), endOfDay: false));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-02-30")]
    [InlineData("29.03.2026")]
    [InlineData("2026-03-29T25:00")]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("1969-12-31T23:00:00Z")]
    public void A_time_that_is_no_ISO_date_is_refused(string text) => Assert.Null(ReportFilterParser.ParseTime(text, out _));

    [Fact]
    public void A_to_date_is_inclusive_and_the_previous_period_has_as_many_local_days()
    {
        var scope = ReportScope.Resolve(new ReportInput("k1", "2026-03-29", "2026-04-04", []), Berlin, DateTimeOffset.UtcNow);
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T00:00:00+01:00"), scope.From);
        Assert.Equal(DateTimeOffset.Parse("2026-04-05T00:00:00+02:00"), scope.To);
        var previous = scope.Previous();
        Assert.Equal(DateTimeOffset.Parse("2026-03-22T00:00:00+01:00"), previous.From);
        Assert.Equal(scope.From, previous.To);
    }

    [Fact]
    public void Without_a_range_a_report_covers_the_last_30_days_today_included()
    {
        var now = DateTimeOffset.Parse("2026-06-10T23:30:00Z"); // already the 11th in Berlin
        var scope = ReportScope.Resolve(new ReportInput("k1", null, null, []), Berlin, now);
        Assert.Equal(DateTimeOffset.Parse("2026-05-13T00:00:00+02:00"), scope.From);
        Assert.Equal(DateTimeOffset.Parse("2026-06-12T00:00:00+02:00"), scope.To);
    }

    [Fact]
    public void Buckets_follow_the_site_calendar_weeks_from_monday()
    {
        var scope = ReportScope.Resolve(new ReportInput("k1", "2026-03-25", "2026-04-02", []), Berlin, DateTimeOffset.UtcNow);
        var weeks = ReportIntervals.Buckets(ReportInterval.Week, scope);
        Assert.Equal(["2026-03-23", "2026-03-30"], weeks.Select(b => b.Key));
        Assert.Equal(DateTimeOffset.Parse("2026-03-30T00:00:00+02:00"), weeks[1].Start);
        var days = ReportIntervals.Buckets(ReportInterval.Day, scope);
        Assert.Equal(9, days.Count);
        Assert.Equal(["2026-03", "2026-04"], ReportIntervals.Buckets(ReportInterval.Month, scope).Select(b => b.Key[..7]));
        var dstDay = ReportScope.Resolve(new ReportInput("k1", "2026-03-29", "2026-03-29", []), Berlin, DateTimeOffset.UtcNow);
        Assert.Equal(23, ReportIntervals.Buckets(ReportInterval.Hour, dstDay).Count);
    }
}
