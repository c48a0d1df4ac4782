using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;
using Analytics.Tests.Sites;

namespace Analytics.Tests.Reports;

/// <summary>
/// The overview and breakdown reports over generated traffic on both engines, compared with DESIGN.md's semantics
/// computed by <see cref="ReportData"/>; the site is in Europe/Berlin and the range spans the spring DST change.
/// </summary>
public abstract class ReportsTests(ApiFactory api)
{
    // 2026-03-27 .. 2026-03-30 in Berlin: from 2026-03-26T23:00Z (+01:00) to 2026-03-30T22:00Z (+02:00), 95 hours.
    const string Range = "from=2026-03-27&to=2026-03-30";
    static readonly long FromMs = DateTimeOffset.Parse("2026-03-26T23:00:00Z").ToUnixTimeMilliseconds();
    static readonly long ToMs = DateTimeOffset.Parse("2026-03-30T22:00:00Z").ToUnixTimeMilliseconds();

    async Task<(string Key, string Id, ReportData Data)> SiteWithTrafficAsync()
    {
        var created = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Report shop", domains = new[] { "report.example" }, time_zone = "Europe/Berlin" });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var id = await api.SiteIdAsync(key);
        var data = ReportData.Generate(id);
        await InsertEventsAsync(data.Events);
        await SessionData.InsertAsync(api.ClickHouse, data.Links);
        await TrafficInsertedAsync(id, data);
        return (key, id, data);
    }

    Task InsertEventsAsync(IReadOnlyCollection<EventRow> events) => StoredTraffic.InsertMarkedAsync(api.ClickHouse, events);

    /// <summary>Called once a site's traffic is in: <see cref="StoredReportsTests"/> waits there until the refresh serves its days.</summary>
    protected virtual Task TrafficInsertedAsync(string siteId, ReportData data) => Task.CompletedTask;

    async Task<JsonElement> GetAsync(string path)
    {
        var response = await api.Admin().GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    static void AssertNumbers((long Visitors, long Sessions, long Pageviews, double BounceRate, double AvgSeconds) expected, JsonElement actual, string what)
    {
        Assert.True(expected.Visitors == actual.GetProperty("visitors").GetInt64(), $"{what} visitors: expected {expected.Visitors}, got {actual}");
        Assert.True(expected.Sessions == actual.GetProperty("sessions").GetInt64(), $"{what} sessions: expected {expected.Sessions}, got {actual}");
        Assert.True(expected.Pageviews == actual.GetProperty("pageviews").GetInt64(), $"{what} pageviews: expected {expected.Pageviews}, got {actual}");
        Assert.Equal(expected.BounceRate, actual.GetProperty("bounce_rate").GetDouble(), 3);
        Assert.Equal(expected.AvgSeconds, actual.GetProperty("avg_session_seconds").GetDouble(), 0);
    }

    [Fact]
    public async Task Overview_counts_persons_sessions_pageviews_bounces_and_duration_by_the_semantics_with_the_previous_period()
    {
        var (key, _, data) = await SiteWithTrafficAsync();
        var answer = await GetAsync($"/api/reports/overview?site={key}&{Range}&interval=day");

        AssertNumbers(data.Overview(FromMs, ToMs), answer, "current");
        Assert.Equal("2026-03-27T00:00:00+01:00", answer.GetProperty("from").GetString());
        Assert.Equal("2026-03-31T00:00:00+02:00", answer.GetProperty("to").GetString());
        // The previous period: the four days before, 2026-03-23 .. 2026-03-26 (all +01:00).
        var previousFrom = DateTimeOffset.Parse("2026-03-22T23:00:00Z").ToUnixTimeMilliseconds();
        var previous = answer.GetProperty("previous");
        AssertNumbers(data.Overview(previousFrom, FromMs), previous, "previous");
        Assert.Equal("2026-03-23T00:00:00+01:00", previous.GetProperty("from").GetString());
    }

    [Fact]
    public async Task A_day_bucket_in_Berlin_is_the_local_day_across_the_DST_change()
    {
        var (key, _, data) = await SiteWithTrafficAsync();
        var series = (await GetAsync($"/api/reports/overview?site={key}&{Range}&interval=day")).GetProperty("series").EnumerateArray().ToList();

        Assert.Equal(["2026-03-27T00:00:00+01:00", "2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"],
            series.Select(p => p.GetProperty("t").GetString()));
        var sessions = data.Sessions();
        foreach (var point in series)
        {
            var day = DateOnly.FromDateTime(DateTimeOffset.Parse(point.GetProperty("t").GetString()!, CultureInfo.InvariantCulture).DateTime);
            var events = data.Events.Where(e => !e.IsBot && ReportData.LocalDay(e.TsMs, ReportData.Berlin) == day).ToList();
            Assert.Equal(events.Select(data.Person).Distinct().Count(), point.GetProperty("visitors").GetInt64());
            Assert.Equal(events.Count(e => e.Type == "pageview"), point.GetProperty("pageviews").GetInt64());
            Assert.Equal(sessions.Count(s => ReportData.LocalDay(s.StartMs, ReportData.Berlin) == day), point.GetProperty("sessions").GetInt64());
        }
        // 00:30 local on the 29th (+01:00) and on the 30th (+02:00) fall in those local days, not the UTC ones.
        var dst = data.Events.Where(e => e.Vid == "dst").Select(e => ReportData.LocalDay(e.TsMs, ReportData.Berlin)).ToList();
        Assert.Equal([new DateOnly(2026, 3, 29), new DateOnly(2026, 3, 30)], dst);
        var hours = (await GetAsync($"/api/reports/overview?site={key}&from=2026-03-29&to=2026-03-29&interval=hour")).GetProperty("series");
        Assert.Equal(23, hours.GetArrayLength()); // the day of the change has 23 hours
    }

    [Theory]
    [InlineData("hour")]
    [InlineData("day")]
    [InlineData("week")]
    [InlineData("month")]
    public async Task Every_event_and_session_of_the_range_falls_in_one_bucket_of_any_interval(string interval)
    {
        var (key, _, data) = await SiteWithTrafficAsync();
        var answer = await GetAsync($"/api/reports/overview?site={key}&{Range}&interval={interval}");
        var series = answer.GetProperty("series").EnumerateArray().ToList();
        var expected = data.Overview(FromMs, ToMs);
        Assert.Equal(expected.Pageviews, series.Sum(p => p.GetProperty("pageviews").GetInt64()));
        Assert.Equal(expected.Sessions, series.Sum(p => p.GetProperty("sessions").GetInt64()));
        Assert.Equal(interval switch { "hour" => 95, "day" => 4, "week" => 2, _ => 1 }, series.Count);
        if (interval == "week") Assert.Equal("2026-03-23T00:00:00+01:00", series[0].GetProperty("t").GetString()); // a Monday
    }

    [Fact]
    public async Task Filters_of_each_operator_narrow_the_overview_to_matching_events_and_their_sessions()
    {
        var (key, _, data) = await SiteWithTrafficAsync();
        var cases = new (string Filter, Func<Analytics.Ingestion.EventRow, bool> Match)[]
        {
            ("country:is:DE", e => e.Country == "DE"),
            ("device:is_not:desktop", e => e.Device != "desktop"),
            ("page:contains:SHOES", e => e.Path.Contains("shoes", StringComparison.OrdinalIgnoreCase)),
            ("channel:in:email|social", e => e.Channel is "email" or "social"),
            ("identified:is:identified", data.Identified),
            ("consent:is:none", e => !e.ConsentAnalytics && !e.ConsentMarketing),
        };
        foreach (var (filter, match) in cases)
            AssertNumbers(data.Overview(FromMs, ToMs, match), await GetAsync($"/api/reports/overview?site={key}&{Range}&filter={Uri.EscapeDataString(filter)}"), filter);
        var both = await GetAsync($"/api/reports/overview?site={key}&{Range}&filter=country:is:DE&filter=device:in:mobile|tablet");
        AssertNumbers(data.Overview(FromMs, ToMs, e => e.Country == "DE" && (e.Device == "mobile" || e.Device == "tablet")), both, "two filters");
    }

    [Fact]
    public async Task A_breakdown_gives_the_top_values_by_visitors_and_the_rest_as_other_with_or_without_a_filter()
    {
        var (key, _, data) = await SiteWithTrafficAsync();
        var sessions = data.Sessions().Where(s => s.StartMs >= FromMs && s.StartMs < ToMs).ToList();
        var events = data.Events.Where(e => !e.IsBot && e.TsMs >= FromMs && e.TsMs < ToMs).ToList();

        foreach (var (dimension, value, pageviewsOnly, filter, match) in new (string, Func<Analytics.Ingestion.EventRow, string>, bool, string, Func<Analytics.Ingestion.EventRow, bool>)[]
                 {
                     ("page", e => e.Path, true, "", _ => true),
                     ("country", e => e.Country, false, "", _ => true),
                     ("page", e => e.Path, true, "&filter=device:in:mobile|tablet", e => e.Device is "mobile" or "tablet"),
                 })
        {
            var counted = events.Where(e => (!pageviewsOnly || e.Type == "pageview") && match(e)).ToList();
            var ranked = counted.GroupBy(value)
                .Select(g => (Value: g.Key, Visitors: g.Select(data.Person).Distinct().Count(), Pageviews: g.Count(e => e.Type == "pageview")))
                .OrderByDescending(r => r.Visitors).ThenByDescending(r => r.Pageviews).ThenBy(r => r.Value, StringComparer.Ordinal).ToList();
            var top = ranked.Take(3).Select(r => r.Value).ToList();
            string Mapped(Analytics.Ingestion.EventRow e) => top.Contains(value(e)) ? value(e) : "(other)";
            var rows = (await GetAsync($"/api/reports/breakdown?site={key}&{Range}&dimension={dimension}&limit=3{filter}")).GetProperty("rows").EnumerateArray().ToList();

            Assert.Equal(top.Select(v => v.Length == 0 ? "(none)" : v).Append("(other)"), rows.Select(r => r.GetProperty("value").GetString()));
            foreach (var row in rows)
            {
                var shown = row.GetProperty("value").GetString()!;
                var v = shown == "(none)" ? "" : shown;
                var mine = counted.Where(e => Mapped(e) == v).ToList();
                var holding = sessions.Where(s => s.Events.Any(e => (!pageviewsOnly || e.Type == "pageview") && match(e) && Mapped(e) == v)).ToList();
                var what = $"{dimension}={shown}{filter}";
                Assert.True(mine.Select(data.Person).Distinct().Count() == row.GetProperty("visitors").GetInt64(), $"{what} visitors: {row}");
                Assert.True(mine.Count(e => e.Type == "pageview") == row.GetProperty("pageviews").GetInt64(), $"{what} pageviews: {row}");
                Assert.True(holding.Count == row.GetProperty("sessions").GetInt64(), $"{what} sessions: {row}");
                Assert.Equal(holding.Count == 0 ? 0 : (double)holding.Count(s => s.Bounce) / holding.Count, row.GetProperty("bounce_rate").GetDouble(), 3);
            }
        }
    }

    [Fact]
    public async Task Entry_exit_page_and_session_channel_breakdowns_count_sessions_by_their_first_and_last_pageview_and_first_event()
    {
        var (key, _, data) = await SiteWithTrafficAsync();
        foreach (var (dimension, page, withPageview) in new (string, Func<ReportData.Session, string>, bool)[]
                 { ("entry_page", s => s.EntryPage, true), ("exit_page", s => s.ExitPage, true), ("session_channel", s => s.Events[0].Channel, false) })
        {
            var sessions = data.Sessions().Where(s => s.StartMs >= FromMs && s.StartMs < ToMs && (s.Pageviews > 0 || !withPageview)).ToList();
            var rows = (await GetAsync($"/api/reports/breakdown?site={key}&{Range}&dimension={dimension}&limit=100")).GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(sessions.Select(page).Distinct().Count(), rows.Count);
            foreach (var row in rows)
            {
                var of = sessions.Where(s => page(s) == row.GetProperty("value").GetString()).ToList();
                Assert.Equal(of.Count, row.GetProperty("sessions").GetInt64());
                Assert.Equal(of.Select(s => s.Person).Distinct().Count(), row.GetProperty("visitors").GetInt64());
                Assert.Equal(of.Sum(s => s.Pageviews), row.GetProperty("pageviews").GetInt64());
            }

            // The top two and "(other)": the rest's persons counted once however many of its values they had.
            var ranked = sessions.GroupBy(page).Select(g => (Value: g.Key, Visitors: g.Select(s => s.Person).Distinct().Count(), Pageviews: g.Sum(s => s.Pageviews)))
                .OrderByDescending(r => r.Visitors).ThenByDescending(r => r.Pageviews).ThenBy(r => r.Value, StringComparer.Ordinal).Take(2).Select(r => r.Value).ToList();
            var limited = (await GetAsync($"/api/reports/breakdown?site={key}&{Range}&dimension={dimension}&limit=2")).GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(ranked.Append("(other)"), limited.Select(r => r.GetProperty("value").GetString()));
            var rest = sessions.Where(s => !ranked.Contains(page(s))).ToList();
            Assert.True(rest.Select(s => s.Person).Distinct().Count() < rest.Count, $"{dimension}: the rest should hold a person twice");
            Assert.Equal(rest.Count, limited[2].GetProperty("sessions").GetInt64());
            Assert.Equal(rest.Select(s => s.Person).Distinct().Count(), limited[2].GetProperty("visitors").GetInt64());
            Assert.Equal(rest.Sum(s => s.Pageviews), limited[2].GetProperty("pageviews").GetInt64());
            Assert.Equal((double)rest.Count(s => s.Bounce) / rest.Count, limited[2].GetProperty("bounce_rate").GetDouble(), 3);
        }
    }

    [Fact]
    public async Task Every_report_answers_csv_by_parameter_or_accept_header()
    {
        var (key, _, data) = await SiteWithTrafficAsync();
        var csv = await api.Admin().GetAsync($"/api/reports/breakdown?site={key}&{Range}&dimension=country&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("country,visitors,sessions,pageviews,bounce_rate,avg_session_seconds", lines[0]);

        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/overview?site={key}&{Range}&interval=day");
        request.Headers.Accept.ParseAdd("text/csv");
        var overview = await api.Admin().SendAsync(request);
        Assert.Equal("text/csv", overview.Content.Headers.ContentType?.MediaType);
        var rows = (await overview.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("t,visitors,pageviews,sessions,bounce_rate,avg_session_seconds", rows[0]);
        Assert.StartsWith($"total,{data.Overview(FromMs, ToMs).Visitors},", rows[^2]);
    }

    [Theory]
    [InlineData("overview", "from=yesterday", "from")]
    [InlineData("overview", "from=2026-03-30&to=2026-03-01", "to")]
    [InlineData("overview", "filter=colour:is:red", "filter")]
    [InlineData("overview", "filter=country:equals:DE", "filter")]
    [InlineData("overview", "filter=entry_page:is:/", "filter")]
    [InlineData("overview", "from=0001-01-01", "from")]
    [InlineData("overview", "to=9999-12-31", "to")]
    [InlineData("overview", "from=0001-01-01T00:00:00%2B14:00", "from")]
    [InlineData("overview", "interval=minute", "interval")]
    [InlineData("overview", "from=2026-01-01&to=2026-12-31&interval=hour", "interval")]
    [InlineData("breakdown", "", "dimension")]
    [InlineData("breakdown", "dimension=colour", "dimension")]
    [InlineData("breakdown", "dimension=page&limit=0", "limit")]
    [InlineData("overview", "format=xml", "format")]
    public async Task Bad_parameters_answer_problem_json_naming_the_parameter(string report, string query, string field)
    {
        var site = await api.CreateSiteAsync("bad-report.example");
        var response = await api.Admin().GetAsync($"/api/reports/{report}?site={site}&{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString());
        Assert.Contains(field, errors);
    }

    [Fact]
    public async Task A_report_without_a_site_names_the_missing_parameter()
    {
        var response = await api.Admin().GetAsync("/api/reports/breakdown?dimension=page");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString());
        Assert.Contains("site", errors);
    }

    [Fact]
    public async Task A_cached_answer_is_served_until_new_data_arrives()
    {
        var (key, id, data) = await SiteWithTrafficAsync();
        var path = $"/api/reports/overview?site={key}&{Range}&interval=day";
        var first = await GetAsync(path);
        var hitsBefore = await MetricAsync("analytics_report_cache_hits_total");
        Assert.Equal(first.GetRawText(), (await GetAsync(path)).GetRawText());
        Assert.Equal(hitsBefore + 1, await MetricAsync("analytics_report_cache_hits_total"));

        await InsertEventsAsync([ReportData.Event(id, "late", FromMs + 3_600_000, "pageview", "/new", "DE", "desktop", "direct", true)]);
        var after = await GetAsync(path);
        Assert.Equal(first.GetProperty("pageviews").GetInt64() + 1, after.GetProperty("pageviews").GetInt64());
        Assert.Equal(first.GetProperty("visitors").GetInt64() + 1, after.GetProperty("visitors").GetInt64());

        // A new identity link re-attributes history: the late visitor turns out to be customer c1, a person already counted.
        Assert.Contains(data.Events, e => e.TsMs >= FromMs && e.TsMs < ToMs && data.Person(e) == "c1");
        await SessionData.InsertAsync(api.ClickHouse, [SessionData.Link(id, "late", "c1", FromMs)]);
        Assert.Equal(first.GetProperty("visitors").GetInt64(), (await GetAsync(path)).GetProperty("visitors").GetInt64());
    }

    [Fact]
    public async Task The_same_question_asked_at_once_is_computed_once()
    {
        var (key, _, data) = await SiteWithTrafficAsync();
        var path = $"/api/reports/breakdown?site={key}&{Range}&dimension=page&limit=4";
        var missesBefore = await MetricAsync("analytics_report_cache_misses_total");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => GetAsync(path)));
        Assert.Single(answers.Select(a => a.GetRawText()).Distinct());
        Assert.Equal(missesBefore + 1, await MetricAsync("analytics_report_cache_misses_total"));
    }

    [Fact]
    public async Task Report_latency_is_a_histogram_per_report_on_metrics()
    {
        var site = await api.CreateSiteAsync("metrics-report.example");
        await GetAsync($"/api/reports/overview?site={site}");
        await GetAsync($"/api/reports/breakdown?site={site}&dimension=page");
        var metrics = await api.Admin().GetStringAsync("/metrics");
        Assert.Contains("# TYPE analytics_report_seconds histogram", metrics);
        Assert.Contains("analytics_report_seconds_bucket{report=\"overview\",le=\"+Inf\"}", metrics);
        Assert.Contains("analytics_report_seconds_count{report=\"breakdown\"}", metrics);
    }

    [Fact]
    public async Task Reports_are_for_members_marketers_and_admins_only()
    {
        var site = await api.CreateSiteAsync("members-report.example");
        var member = await Users.CreateAsync(api, "marketer");
        var stranger = await Users.CreateAsync(api, "marketer");
        var service = await Users.CreateAsync(api, "service");
        var officer = await Users.CreateAsync(api, "privacy_officer");
        foreach (var user in new[] { member, service, officer }) await Users.AddMemberAsync(api, site, user.Id);
        foreach (var report in new[] { "overview", "breakdown?dimension=country" })
        {
            var path = $"/api/reports/{report}{(report.Contains('?') ? "&" : "?")}site={site}";
            Assert.Equal(HttpStatusCode.OK, (await api.As(member.Token).GetAsync(path)).StatusCode);
            var hidden = await api.As(stranger.Token).GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            Assert.Equal(await Users.ProblemShapeAsync(await api.As(stranger.Token).GetAsync(path.Replace(site, "nosuchsite000000")), "nosuchsite000000"),
                await Users.ProblemShapeAsync(hidden, site));
            Assert.Equal(HttpStatusCode.Forbidden, (await api.As(service.Token).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.As(officer.Token).GetAsync(path)).StatusCode);
        }
    }

    async Task<long> MetricAsync(string name)
    {
        // A counter is listed from the first report on.
        var line = (await api.Admin().GetStringAsync("/metrics")).Split('\n').SingleOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}

public sealed class ReportsTestsEmbedded(EmbeddedApi api) : ReportsTests(api), IClassFixture<EmbeddedApi>;
public sealed class ReportsTestsServer(ServerApi api) : ReportsTests(api), IClassFixture<ServerApi>;

/// <summary>
/// The same reports once the session refresh has stored every day of the traffic: stored sessions and visitor hours
/// (docs/sessions.md) must give the answers of the semantics too, links inserted after the refresh included.
/// </summary>
public abstract class StoredReportsTests(ApiFactory api) : ReportsTests(api)
{
    protected override Task TrafficInsertedAsync(string siteId, ReportData data) => StoredTraffic.WaitUntilServedAsync(api.ClickHouse, siteId, data.Events);
}

public sealed class StoredReportsTestsEmbedded(EmbeddedFastRefreshApi api) : StoredReportsTests(api), IClassFixture<EmbeddedFastRefreshApi>;
public sealed class StoredReportsTestsServer(ServerFastRefreshApi api) : StoredReportsTests(api), IClassFixture<ServerFastRefreshApi>;
