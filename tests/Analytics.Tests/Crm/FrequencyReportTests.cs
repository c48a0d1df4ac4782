using System.Globalization;
using System.Text.Json;
using Analytics.Crm.Rfm;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Crm.CrmClient;

namespace Analytics.Tests.Crm;

/// <summary>
/// GET /api/reports/frequency over generated orders on both engines: orders per customer per year and the median days
/// between orders per A/B/C class, RFM segment and for all, computed here from the definitions.
/// </summary>
public abstract class FrequencyReportTests(ApiFactory api)
{
    const string Range = "from=2026-01-01&to=2026-03-31";
    static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);
    static readonly DateTimeOffset To = DateTimeOffset.Parse("2026-04-01T00:00:00Z", CultureInfo.InvariantCulture);

    static double? Median(List<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The quintile score of each value: 1 + ⌊5 · (values strictly below) / N⌋.</summary>
    static Dictionary<string, int> Scores(Dictionary<string, double> values) =>
        values.ToDictionary(v => v.Key, v => 1 + 5 * values.Values.Count(o => o < v.Value) / values.Count);

    [Fact]
    public async Task Orders_per_customer_per_year_and_median_days_between_orders_per_class_segment_and_all()
    {
        var (key, siteId) = await NewSiteAsync(api);
        var data = ValueData.Generate(siteId, customers: 45, seed: 29);
        await Sessions.SessionData.InsertAsync(api.ClickHouse, data.Links);
        await Sessions.SessionData.InsertAsync(api.ClickHouse, data.Events);
        var imported = await ImportAsync(api, "orders", key, data.OrdersJson(), "application/json");
        Assert.Empty(imported.GetProperty("rejected").EnumerateArray());

        var inRange = data.Orders.Where(o => !o.Returned && o.Ts >= From && o.Ts < To).GroupBy(o => o.CustomerId).ToDictionary(g => g.Key, g => g.ToList());
        var revenue = inRange.ToDictionary(c => c.Key, c => c.Value.Sum(o => o.Revenue));
        var total = revenue.Values.Sum();
        string ClassOf(string c)
        {
            var above = revenue.Values.Where(v => v > revenue[c]).Sum();
            return above < 0.8 * total ? "A" : above < 0.95 * total ? "B" : "C";
        }
        var (r, f, m) = (Scores(inRange.ToDictionary(c => c.Key, c => (double)c.Value.Max(o => o.Ts).ToUnixTimeSeconds())),
            Scores(inRange.ToDictionary(c => c.Key, c => (double)c.Value.Count)), Scores(revenue.ToDictionary(c => c.Key, c => Math.Round(c.Value, 2))));
        string SegmentOf(string c) => RfmSegmentTable.Of(r[c], f[c], m[c]);
        List<double> Gaps(string c)
        {
            var times = inRange[c].Select(o => o.Ts.ToUnixTimeSeconds()).Order().ToList();
            return times.Skip(1).Select((t, i) => (t - times[i]) / 86_400.0).ToList();
        }
        var years = (To - From).TotalDays / 365.25;
        void AssertGroup(IEnumerable<string> customers, JsonElement group)
        {
            var members = customers.ToList();
            var orders = members.Sum(c => inRange[c].Count);
            Assert.Equal((members.Count, members.Count(c => inRange[c].Count >= 2), (long)orders),
                (Long(group, "customers"), Long(group, "repeat_customers"), Long(group, "orders")));
            Assert.Equal(orders / (double)members.Count / years, Double(group, "orders_per_customer_per_year"), 3);
            var median = Median(members.SelectMany(Gaps).ToList());
            var actual = group.GetProperty("median_days_between_orders");
            if (median is null) Assert.Equal(JsonValueKind.Null, actual.ValueKind);
            else Assert.Equal(median.Value, actual.GetDouble(), 3);
        }

        // The plan is what the test is about: repeat buyers in more than one class.
        Assert.True(inRange.Keys.Where(c => inRange[c].Count >= 2).Select(ClassOf).Distinct().Count() >= 2);
        var answer = await Reports.AudienceReportsTests.GetAsync(api, $"/api/reports/frequency?site={key}&{Range}");
        AssertGroup(inRange.Keys, answer.GetProperty("all"));
        var classes = answer.GetProperty("classes").EnumerateArray().ToDictionary(g => Str(g, "group"));
        Assert.Equal(["A", "B", "C"], classes.Keys);
        foreach (var (name, group) in classes) AssertGroup(inRange.Keys.Where(c => ClassOf(c) == name), group);
        var segments = answer.GetProperty("segments").EnumerateArray().ToDictionary(g => Str(g, "group"));
        Assert.Equal(inRange.Keys.Select(SegmentOf).Distinct().Order(), segments.Keys.Order());
        foreach (var (name, group) in segments) AssertGroup(inRange.Keys.Where(c => SegmentOf(c) == name), group);

        var csv = (await api.Admin().GetStringAsync($"/api/reports/frequency?site={key}&{Range}&format=csv")).TrimEnd().Split("\r\n");
        Assert.Equal("kind,group,customers,repeat_customers,orders,orders_per_customer_per_year,median_days_between_orders", csv[0]);
        Assert.Equal(1 + 3 + segments.Count, csv.Length - 1);
    }
}

public sealed class FrequencyReportTestsEmbedded(EmbeddedApi api) : FrequencyReportTests(api), IClassFixture<EmbeddedApi>;
public sealed class FrequencyReportTestsServer(ServerApi api) : FrequencyReportTests(api), IClassFixture<ServerApi>;
