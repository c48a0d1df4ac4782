using System.Globalization;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Reports;

/// <summary>
/// The forms report on both engines over generated form events as tracker-js/src/forms.js sends them (form_start,
/// form_field with field and dwell_ms, form_submit, form_abandon with last_field), the numbers computed here.
/// </summary>
public abstract class FormsReportTests(ApiFactory api)
{
    const string Range = "from=2026-03-01&to=2026-03-31";
    static readonly long FromMs = DateTimeOffset.Parse("2026-02-28T23:00:00Z").ToUnixTimeMilliseconds();
    static readonly string[] Fields = ["email", "name", "street", "zip"];

    static EventRow FormEvent(string site, string vid, long ts, string type, string country, params (string Key, string Value)[] props)
    {
        var e = ReportData.Event(site, vid, ts, type, "/signup", country, "desktop", "internal", true);
        e.PropsKeys = props.Select(p => p.Key).ToList();
        e.PropsValues = props.Select(p => p.Value).ToList();
        return e;
    }

    /// <summary>Per visitor one or two filled forms: fields focused in turn, then a submit, an abandon, or nothing (a lost beacon).</summary>
    static List<EventRow> Traffic(string site)
    {
        var random = new Random(5);
        var events = new List<EventRow>();
        for (var v = 1; v <= 40; v++)
        {
            var vid = $"f{v:00}";
            var country = v % 4 == 0 ? "AT" : "DE";
            for (var n = random.Next(1, 3); n > 0; n--)
            {
                var form = random.Next(3) == 0 ? "newsletter" : "checkout";
                var t = FromMs + random.Next(0, 29 * 24 * 60) * 60_000L;
                events.Add(FormEvent(site, vid, t, "form_start", country, ("form", form)));
                var last = "";
                foreach (var field in Fields.Take(random.Next(0, 5)))
                {
                    var dwell = random.Next(300, 30_000);
                    t += dwell;
                    events.Add(FormEvent(site, vid, t, "form_field", country, ("form", form), ("field", field), ("order", "1"), ("dwell_ms", dwell.ToString(CultureInfo.InvariantCulture))));
                    last = field;
                }
                t += random.Next(100, 5_000);
                switch (random.Next(10))
                {
                    case < 6: events.Add(FormEvent(site, vid, t, "form_submit", country, ("form", form))); break;
                    case < 9: events.Add(FormEvent(site, vid, t, "form_abandon", country, ("form", form), ("last_field", last), ("fields", "2"))); break;
                }
            }
        }
        events.Add(FormEvent(site, "outside", FromMs - 60_000, "form_start", "DE", ("form", "checkout")));
        return events;
    }

    static double Median(List<double> values)
    {
        if (values.Count == 0) return 0;
        values.Sort();
        return (values[(values.Count - 1) / 2] + values[values.Count / 2]) / 2;
    }

    static string Prop(EventRow e, string key) => e.PropsKeys.IndexOf(key) is var i and >= 0 ? e.PropsValues[i] : "";

    [Theory]
    [InlineData("")]
    [InlineData("country:is:DE")]
    public async Task Forms_count_starts_submits_abandons_time_to_submit_and_per_field_interactions_dwell_and_last_field(string filter)
    {
        var (key, id) = await AudienceReportsTests.BerlinSiteAsync(api, "forms" + Guid.NewGuid().ToString("N")[..8]);
        var events = Traffic(id);
        await SessionData.InsertAsync(api.ClickHouse, events);
        var query = filter.Length == 0 ? "" : "&filter=" + Uri.EscapeDataString(filter);
        var forms = (await AudienceReportsTests.GetAsync(api, $"/api/reports/forms?site={key}&{Range}{query}")).GetProperty("forms").EnumerateArray().ToList();

        var csv = (await api.Admin().GetStringAsync($"/api/reports/forms?site={key}&{Range}{query}&format=csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("form,field,starts,submits,abandons,abandon_rate,median_seconds_to_submit,interactions,median_seconds,last_before_abandon", csv[0]);
        Assert.Equal(forms.Sum(f => 1 + f.GetProperty("fields").GetArrayLength()), csv.Length - 1);
        var counted = events.Where(e => e.TsMs >= FromMs && (filter.Length == 0 || e.Country == "DE")).ToList();
        var expected = counted.GroupBy(e => Prop(e, "form")).OrderByDescending(g => g.Count(e => e.Type == "form_start")).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(g => g.Key), forms.Select(f => f.GetProperty("form").GetString()));
        foreach (var (mine, row) in expected.Zip(forms))
        {
            var starts = mine.Count(e => e.Type == "form_start");
            var abandons = mine.Count(e => e.Type == "form_abandon");
            Assert.Equal(starts, row.GetProperty("starts").GetInt64());
            Assert.Equal(mine.Count(e => e.Type == "form_submit"), row.GetProperty("submits").GetInt64());
            Assert.Equal(Math.Round((double)abandons / starts, 4), row.GetProperty("abandon_rate").GetDouble());
            // Time to submit: from the visitor's latest start of the form at or before the submit.
            var toSubmit = mine.Where(e => e.Type == "form_submit")
                .Select(s => (s.TsMs - mine.Where(e => e.Type == "form_start" && e.Vid == s.Vid && e.TsMs <= s.TsMs).Max(e => e.TsMs)) / 1000.0).ToList();
            Assert.Equal(Math.Round(Median(toSubmit), 1), row.GetProperty("median_seconds_to_submit").GetDouble(), 1);
            var fields = row.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("field").GetString()!);
            var named = mine.Where(e => e.Type == "form_field").Select(e => Prop(e, "field"))
                .Concat(mine.Where(e => e.Type == "form_abandon").Select(e => Prop(e, "last_field"))).Where(f => f.Length > 0).Distinct().ToList();
            Assert.Equal(named.Order(), fields.Keys.Order());
            foreach (var field in named)
            {
                var focused = mine.Where(e => e.Type == "form_field" && Prop(e, "field") == field).ToList();
                Assert.Equal(focused.Count, fields[field].GetProperty("interactions").GetInt64());
                Assert.Equal(Math.Round(Median(focused.Select(e => double.Parse(Prop(e, "dwell_ms"), CultureInfo.InvariantCulture) / 1000).ToList()), 1),
                    fields[field].GetProperty("median_seconds").GetDouble(), 1);
                Assert.Equal(mine.Count(e => e.Type == "form_abandon" && Prop(e, "last_field") == field), fields[field].GetProperty("last_before_abandon").GetInt64());
            }
        }
    }
}

public sealed class FormsReportTestsEmbedded(EmbeddedApi api) : FormsReportTests(api), IClassFixture<EmbeddedApi>;
public sealed class FormsReportTestsServer(ServerApi api) : FormsReportTests(api), IClassFixture<ServerApi>;
