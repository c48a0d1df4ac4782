using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Reports;

/// <summary>The realtime report (events now against 6 minutes ago, never cached) and bad parameters of the newer reports, on both engines.</summary>
public abstract class RealtimeReportTests(ApiFactory api)
{
    static Task<(string Key, string Id)> BerlinSiteAsync(ApiFactory api, string name) => AudienceReportsTests.BerlinSiteAsync(api, name);

    static Task<JsonElement> GetAsync(ApiFactory api, string path) => AudienceReportsTests.GetAsync(api, path);

    [Fact]
    public async Task Realtime_counts_the_persons_of_the_last_five_minutes_with_their_pages_and_sources_and_is_never_cached()
    {
        var (key, id) = await BerlinSiteAsync(api, "realtime");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var events = new List<EventRow>
        {
            SessionData.Event(id, "now1", now - 30_000, "pageview", "/a", "organic_search", source: "Google"),
            SessionData.Event(id, "now1", now - 20_000, "pageview", "/b", "internal", source: "realtime.example"),
            SessionData.Event(id, "now2", now - 60_000, "pageview", "/a", "direct"),
            SessionData.Event(id, "now3", now - 90_000, "click", "/c", "internal"),
            SessionData.Event(id, "before", now - 6 * 60_000, "pageview", "/old", "organic_search", source: "Google"),
            SessionData.Event(id, "bot", now - 10_000, "pageview", "/a", "direct", bot: true),
        };
        await SessionData.InsertAsync(api.ClickHouse, events);

        var hits = await MetricAsync("analytics_report_cache_hits_total");
        var answer = await GetAsync(api, $"/api/reports/realtime?site={key}");
        Assert.Equal(3, answer.GetProperty("persons").GetInt64());
        Assert.Equal(3, answer.GetProperty("pageviews").GetInt64());
        Assert.Equal([("/a", 2L), ("/b", 1L)], answer.GetProperty("pages").EnumerateArray().Select(p => (p.GetProperty("path").GetString(), p.GetProperty("persons").GetInt64())));
        Assert.Equal([("(none)", 1L), ("Google", 1L)], answer.GetProperty("sources").EnumerateArray().Select(p => (p.GetProperty("source").GetString(), p.GetProperty("persons").GetInt64())));
        var csv = await api.Admin().GetStringAsync($"/api/reports/realtime?site={key}&format=csv");
        Assert.StartsWith("kind,value,persons\r\ntotal,,3\r\npage,/a,2\r\n", csv);
        var again = await GetAsync(api, $"/api/reports/realtime?site={key}&filter=page:is:/a");
        Assert.Equal(2, again.GetProperty("persons").GetInt64());
        await GetAsync(api, $"/api/reports/realtime?site={key}&filter=page:is:/a");
        Assert.Equal(hits, await MetricAsync("analytics_report_cache_hits_total"));
    }

    [Theory]
    [InlineData("retention", "cohort=second_visit", "cohort")]
    [InlineData("retention", "period=day", "period")]
    [InlineData("forms", "filter=colour:is:red", "filter")]
    [InlineData("abc", "from=2026-03-30&to=2026-03-01", "to")]
    [InlineData("realtime", "filter=segment:is:vip", "filter")]
    public async Task Bad_parameters_of_these_reports_answer_problem_json_naming_the_parameter(string report, string query, string field)
    {
        var (key, _) = await BerlinSiteAsync(api, "bad-" + report);
        var response = await api.Admin().GetAsync($"/api/reports/{report}?site={key}&{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString());
        Assert.Contains(field, errors);
    }

    async Task<long> MetricAsync(string name)
    {
        var line = (await api.Admin().GetStringAsync("/metrics")).Split('\n').SingleOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}

public sealed class RealtimeReportTestsEmbedded(EmbeddedApi api) : RealtimeReportTests(api), IClassFixture<EmbeddedApi>;
public sealed class RealtimeReportTestsServer(ServerApi api) : RealtimeReportTests(api), IClassFixture<ServerApi>;
