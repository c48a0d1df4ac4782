using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;
using Analytics.Tests.Sites;
using Step = Analytics.Tests.Reports.FunnelReference.Step;

namespace Analytics.Tests.Reports;

/// <summary>
/// <c>POST /api/reports/funnel</c> on both engines: hand-made edge cases (window end, equal times, repeated steps,
/// patterns, purchases, drop-off) and generated traffic compared with <see cref="FunnelReference"/>.
/// </summary>
public abstract class FunnelTests(ApiFactory api)
{
    static readonly long T0 = DateTimeOffset.Parse("2026-05-04T10:00:00Z").ToUnixTimeMilliseconds();
    const string From = "2026-05-04T00:00:00Z", To = "2026-05-05T00:00:00Z";

    async Task<(string Key, string Id)> SiteAsync(string? timeZone = null)
    {
        var created = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Funnel shop", domains = new[] { "funnel.example" }, time_zone = timeZone });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return (key, await api.SiteIdAsync(key));
    }

    async Task<JsonElement> FunnelAsync(object body, string query = "")
    {
        var response = await api.Admin().PostAsJsonAsync("/api/reports/funnel" + query, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    static EventRow Page(string site, string vid, long ms, string path) => SessionData.Event(site, vid, T0 + ms, "pageview", path);

    static EventRow Other(string site, string vid, long ms, string type, string name = "", string path = "/")
    {
        var e = SessionData.Event(site, vid, T0 + ms, type, path);
        e.Name = name;
        return e;
    }

    static void AssertSteps(JsonElement steps, long[] persons, double?[] medians, string what)
    {
        Assert.True(persons.Length == steps.GetArrayLength(), $"{what}: {steps}");
        for (var i = 0; i < persons.Length; i++)
        {
            var step = steps[i];
            Assert.True(persons[i] == step.GetProperty("persons").GetInt64(), $"{what} step {i + 1} persons: expected {persons[i]}, got {steps}");
            var median = step.GetProperty("median_seconds_from_previous");
            if (medians[i] is { } m) Assert.Equal(m, median.GetDouble(), 3);
            else Assert.Equal(JsonValueKind.Null, median.ValueKind);
            var first = persons[0] == 0 ? 0 : Math.Round((double)persons[i] / persons[0], 4);
            Assert.Equal(first, step.GetProperty("conversion_from_first").GetDouble(), 4);
            var previous = i == 0 ? (persons[0] > 0 ? 1 : 0) : persons[i - 1] == 0 ? 0 : Math.Round((double)persons[i] / persons[i - 1], 4);
            Assert.Equal(previous, step.GetProperty("conversion_from_previous").GetDouble(), 4);
            Assert.Equal(i + 1 < persons.Length ? persons[i] - persons[i + 1] : 0, step.GetProperty("drop_off").GetInt64());
        }
    }

    [Fact]
    public async Task Window_end_equal_times_and_a_repeated_step_follow_the_semantics_and_drop_off_lists_customers_only()
    {
        var (key, id) = await SiteAsync();
        const long S = 1000;
        var events = new List<EventRow>
        {
            // Reaches step 3 exactly at the window's end (60 s after step 1): inside.
            Page(id, "edge", 0, "/a"), Page(id, "edge", 30 * S, "/b"), Page(id, "edge", 60 * S, "/a"),
            // One millisecond past it: stops at step 2. Linked to a customer, so it is listed by drop_off=2.
            Page(id, "past", 0, "/a"), Page(id, "past", 30 * S, "/b"), Page(id, "past", 60 * S + 1, "/a"),
            // The same, anonymous: counted, never listed.
            Page(id, "anon", 0, "/a"), Page(id, "anon", 30 * S, "/b"), Page(id, "anon", 60 * S + 1, "/a"),
            // Steps 1 and 2 at the same millisecond: times must strictly increase, so step 1 only. A customer.
            Page(id, "equal", 0, "/a"), Page(id, "equal", 0, "/b"),
            // One event matches steps 1 and 3: it is one event, step 1 only.
            Page(id, "single", 0, "/a"),
            // The first start runs out of window; a later start completes (gaps 10 s and 20 s).
            Page(id, "restart", 0, "/a"), Page(id, "restart", 90 * S, "/a"), Page(id, "restart", 100 * S, "/b"), Page(id, "restart", 120 * S, "/a"),
        };
        await SessionData.InsertAsync(api.ClickHouse, events);
        await SessionData.InsertAsync(api.ClickHouse, [SessionData.Link(id, "past", "cust-2", T0 - 3_600_000), SessionData.Link(id, "equal", "cust-1", T0 - 3_600_000)]);
        var body = new
        {
            site = key, from = From, to = To, window_seconds = 60,
            steps = new object[] { new { type = "pageview", path = "/a" }, new { type = "pageview", path = "/b" }, new { type = "pageview", path = "/a" } },
        };

        var answer = await FunnelAsync(body);
        AssertSteps(answer.GetProperty("steps"), [6, 4, 2], [null, 30, 25], "edges");
        Assert.Equal("pageview /a", answer.GetProperty("steps")[0].GetProperty("description").GetString());
        var steps = new Step[] { new("pageview", "/a"), new("pageview", "/b"), new("pageview", "/a") };
        var reference = FunnelReference.Steps(FunnelReference.Paths(events, e => e.Vid, steps, 60_000, T0 - 3_600_000, T0 + 3_600_000), 3);
        Assert.Equal([6, 4, 2], reference.Persons);

        var dropped = (await FunnelAsync(body, "?drop_off=2")).GetProperty("drop_off");
        Assert.Equal(["cust-2"], dropped.GetProperty("customers").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, dropped.GetProperty("total").GetInt64());
        var secondPage = (await FunnelAsync(body, "?drop_off=2&page=2&page_size=1")).GetProperty("drop_off");
        Assert.Empty(secondPage.GetProperty("customers").EnumerateArray());
        Assert.Equal(1, secondPage.GetProperty("total").GetInt64());
        var first = (await FunnelAsync(new { body.site, body.from, body.to, body.window_seconds, body.steps, drop_off = 1 })).GetProperty("drop_off");
        Assert.Equal(["cust-1"], first.GetProperty("customers").EnumerateArray().Select(c => c.GetString()));

        var csv = await api.Admin().PostAsJsonAsync("/api/reports/funnel?drop_off=2&format=csv", body);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("customer_id\r\ncust-2\r\n", await csv.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Patterns_event_names_and_purchases_are_steps()
    {
        var (key, id) = await SiteAsync();
        const long S = 1000;
        var events = new List<EventRow>
        {
            Page(id, "buyer", 0, "/shoes/red"), Other(id, "buyer", 10 * S, "custom", "signup"), Other(id, "buyer", 20 * S, "purchase"),
            Page(id, "wrongname", 0, "/shoes/x"), Other(id, "wrongname", 10 * S, "custom", "newsletter"), Other(id, "wrongname", 20 * S, "purchase"),
            Page(id, "nopattern", 0, "/shoes"), Other(id, "nopattern", 10 * S, "custom", "signup"),
            Page(id, "deep", 0, "/shoes/a/b"), Other(id, "deep", 5 * S, "custom", "signup"),
        };
        await SessionData.InsertAsync(api.ClickHouse, events);
        var answer = await FunnelAsync(new
        {
            site = key, from = From, to = To,
            steps = new object[] { new { type = "pageview", path = "/shoes/*" }, new { type = "custom", name = "signup" }, new { type = "purchase" } },
        });
        AssertSteps(answer.GetProperty("steps"), [3, 2, 1], [null, 7.5, 10], "pattern");
        Assert.Equal(3600, answer.GetProperty("window_seconds").GetInt64());
    }

    [Fact]
    public async Task Generated_traffic_gives_the_reference_funnel_with_filters_and_a_breakdown_by_the_step_1_event()
    {
        var (key, id) = await SiteAsync("Europe/Berlin");
        var data = ReportData.Generate(id, visitors: 60);
        await SessionData.InsertAsync(api.ClickHouse, data.Events);
        await SessionData.InsertAsync(api.ClickHouse, data.Links);
        var fromMs = DateTimeOffset.Parse("2026-03-20T23:00:00Z").ToUnixTimeMilliseconds();
        var toMs = DateTimeOffset.Parse("2026-03-31T22:00:00Z").ToUnixTimeMilliseconds();
        var steps = new Step[] { new("pageview"), new("click"), new("pageview", "/shoes*") };
        var body = new Dictionary<string, object>
        {
            ["site"] = key, ["from"] = "2026-03-21", ["to"] = "2026-03-31", ["window_seconds"] = 1800,
            ["steps"] = new object[] { new { type = "pageview" }, new { type = "click" }, new { type = "pageview", path = "/shoes*" } },
        };

        var paths = FunnelReference.Paths(data.Events, data.Person, steps, 1_800_000, fromMs, toMs);
        var expected = FunnelReference.Steps(paths, 3);
        Assert.True(expected.Persons[2] > 0, "the generated traffic completes the funnel");
        AssertSteps((await FunnelAsync(body)).GetProperty("steps"), expected.Persons, expected.Medians, "generated");

        var filtered = FunnelReference.Steps(FunnelReference.Paths(data.Events, data.Person, steps, 1_800_000, fromMs, toMs, e => e.Device != "desktop"), 3);
        AssertSteps((await FunnelAsync(new Dictionary<string, object>(body) { ["filter"] = new[] { "device:is_not:desktop" } })).GetProperty("steps"),
            filtered.Persons, filtered.Medians, "filtered");

        var answer = await FunnelAsync(new Dictionary<string, object>(body) { ["breakdown"] = "country", ["limit"] = 2 });
        Assert.Equal("country", answer.GetProperty("breakdown_dimension").GetString());
        var byCountry = paths.GroupBy(p => p.Chain[0].Country).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var groups = answer.GetProperty("breakdown").EnumerateArray().ToList();
        Assert.Equal(byCountry.Take(2).Select(g => g.Key.Length == 0 ? "(none)" : g.Key).Append("(other)"), groups.Select(g => g.GetProperty("value").GetString()));
        for (var i = 0; i < groups.Count; i++)
        {
            var mine = i < 2 ? byCountry[i].ToList() : byCountry.Skip(2).SelectMany(g => g).ToList();
            var (persons, medians) = FunnelReference.Steps(mine, 3);
            AssertSteps(groups[i].GetProperty("steps"), persons, medians, $"country {groups[i].GetProperty("value")}");
        }
    }

    [Theory]
    [InlineData("{\"steps\": [{\"type\": \"pageview\"}, {\"type\": \"purchase\"}]}", "site")]
    [InlineData("{\"site\": \"KEY\"}", "steps")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}]}", "steps")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}, {\"type\": \"teleport\"}]}", "steps[1].type")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\", \"path\": \"\"}, {\"type\": \"purchase\"}]}", "steps[0].path")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}, {\"type\": \"purchase\"}], \"window_seconds\": 0}", "window_seconds")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}, {\"type\": \"purchase\"}], \"window_seconds\": \"soon\"}", "window_seconds")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}, {\"type\": \"purchase\"}], \"breakdown\": \"entry_page\"}", "breakdown")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}, {\"type\": \"purchase\"}], \"drop_off\": 2}", "drop_off")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}, {\"type\": \"purchase\"}], \"filter\": [\"colour:is:red\"]}", "filter")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}, {\"type\": \"purchase\"}], \"from\": \"yesterday\"}", "from")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [", "steps[0]")]
    [InlineData("not json", "body")]
    [InlineData("{\"site\": \"KEY\", \"steps\": [{\"type\": \"pageview\"}, {\"type\": \"purchase\"}], \"drop_off\": 1, \"page_size\": 0}", "page_size")]
    public async Task Bad_funnel_requests_answer_problem_json_naming_the_field(string body, string field)
    {
        var (key, _) = await SiteAsync();
        var response = await api.Admin().PostAsync("/api/reports/funnel", new StringContent(body.Replace("KEY", key), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task The_funnel_is_for_members_marketers_and_admins_only()
    {
        var (key, _) = await SiteAsync();
        var member = await Users.CreateAsync(api, "marketer");
        var stranger = await Users.CreateAsync(api, "marketer");
        var service = await Users.CreateAsync(api, "service");
        await Users.AddMemberAsync(api, key, member.Id);
        await Users.AddMemberAsync(api, key, service.Id);
        var body = new { site = key, steps = new object[] { new { type = "pageview" }, new { type = "purchase" } } };
        Assert.Equal(HttpStatusCode.OK, (await api.As(member.Token).PostAsJsonAsync("/api/reports/funnel", body)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.As(stranger.Token).PostAsJsonAsync("/api/reports/funnel", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As(service.Token).PostAsJsonAsync("/api/reports/funnel", body)).StatusCode);
    }
}

public sealed class FunnelTestsEmbedded(EmbeddedApi api) : FunnelTests(api), IClassFixture<EmbeddedApi>;
public sealed class FunnelTestsServer(ServerApi api) : FunnelTests(api), IClassFixture<ServerApi>;
