using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;
using Analytics.Tests.Sites;

namespace Analytics.Tests.Reports;

/// <summary>
/// Saved goals (<c>/api/sites/{key}/goals</c>) and <c>GET /api/reports/goals</c> on both engines, the numbers computed here
/// from DESIGN.md's persons and sessions over generated traffic, the orders from tracker purchases and CRM orders.
/// </summary>
public abstract class GoalsTests(ApiFactory api)
{
    const string Range = "from=2026-03-27&to=2026-03-30";
    static readonly long FromMs = DateTimeOffset.Parse("2026-03-26T23:00:00Z").ToUnixTimeMilliseconds();
    static readonly long ToMs = DateTimeOffset.Parse("2026-03-30T22:00:00Z").ToUnixTimeMilliseconds();

    async Task<(string Key, string Id)> SiteAsync()
    {
        var created = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Goal shop", domains = new[] { "goals.example" }, time_zone = "Europe/Berlin" });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return (key, await api.SiteIdAsync(key));
    }

    async Task<JsonElement> AddGoalAsync(string key, object goal)
    {
        var response = await api.Admin().PostAsJsonAsync($"/api/sites/{key}/goals", goal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Goals_are_added_listed_and_deleted()
    {
        var (key, _) = await SiteAsync();
        var shoes = await AddGoalAsync(key, new { name = "Shoes", type = "pageview", path = "/shoes/*" });
        var signup = await AddGoalAsync(key, new { name = "Signup", type = "event", event_name = "signup" });
        Assert.Equal("/shoes/*", shoes.GetProperty("path").GetString());
        Assert.Equal("signup", signup.GetProperty("event_name").GetString());

        var listed = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{key}/goals");
        Assert.Equal(["Shoes", "Signup"], listed.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        var id = shoes.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"/api/sites/{key}/goals/{id}")).StatusCode);
        listed = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/sites/{key}/goals");
        Assert.Equal(["Signup"], listed.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        var again = await api.Admin().DeleteAsync($"/api/sites/{key}/goals/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("id", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{\"type\": \"pageview\", \"path\": \"/a\"}", "name")]
    [InlineData("{\"name\": \"x\", \"type\": \"visit\"}", "type")]
    [InlineData("{\"name\": \"x\", \"type\": \"pageview\"}", "path")]
    [InlineData("{\"name\": \"x\", \"type\": \"event\"}", "event_name")]
    [InlineData("{\"name\": \"x\", \"type\": \"event\", \"event_name\": \"signup\", \"path\": \"/a\"}", "path")]
    [InlineData("{\"name\": 5}", "name")]
    [InlineData("[", "body")]
    public async Task A_bad_goal_answers_problem_json_naming_the_field(string body, string field)
    {
        var (key, _) = await SiteAsync();
        var response = await api.Admin().PostAsync($"/api/sites/{key}/goals", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task Goals_and_their_report_are_for_the_sites_marketers_and_admins()
    {
        var (key, _) = await SiteAsync();
        var member = await Users.CreateAsync(api, "marketer");
        var stranger = await Users.CreateAsync(api, "marketer");
        var service = await Users.CreateAsync(api, "service");
        var officer = await Users.CreateAsync(api, "privacy_officer");
        foreach (var user in new[] { member, service, officer }) await Users.AddMemberAsync(api, key, user.Id);
        var goal = new { name = "Cart", type = "pageview", path = "/cart" };

        Assert.Equal(HttpStatusCode.Created, (await api.As(member.Token).PostAsJsonAsync($"/api/sites/{key}/goals", goal)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.As(member.Token).GetAsync($"/api/sites/{key}/goals")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.As(member.Token).GetAsync($"/api/reports/goals?site={key}")).StatusCode);
        foreach (var path in new[] { $"/api/sites/{key}/goals", $"/api/reports/goals?site={key}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await api.As(stranger.Token).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.As(service.Token).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.As(officer.Token).GetAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await api.As(stranger.Token).PostAsJsonAsync($"/api/sites/{key}/goals", goal)).StatusCode);
    }

    [Fact]
    public async Task The_goals_report_counts_persons_sessions_conversion_and_orders_by_the_semantics()
    {
        var (key, id) = await SiteAsync();
        var data = ReportData.Generate(id);
        EventRow Purchase(string vid, long ms, string order, double revenue)
        {
            var e = ReportData.Event(id, vid, ms, "purchase", "/checkout", "DE", "desktop", "direct", true);
            e.OrderId = order;
            e.Revenue = revenue;
            e.Currency = "EUR";
            return e;
        }
        data.Events.AddRange(
        [
            Purchase("v05", FromMs + 3_600_000, "O1", 50), Purchase("v05", FromMs + 3_660_000, "O1", 50), // one order, seen twice
            Purchase("v06", FromMs + 7_200_000, "O2", 30),
            Purchase("v07", FromMs - 7_200_000, "O3", 99), // before the range
        ]);
        await SessionData.InsertAsync(api.ClickHouse, data.Events);
        await SessionData.InsertAsync(api.ClickHouse, data.Links);
        var crm = JsonSerializer.Serialize(new object[]
        {
            new { order_id = "O4", customer_id = "c9", ts = FromMs + 86_400_000, revenue = 100.0, currency = "EUR", status = "paid" },
            new { order_id = "O5", customer_id = "c9", ts = FromMs + 90_000_000, revenue = 70.0, currency = "EUR", status = "returned" },
        });
        (await api.Admin().PostAsync($"/api/crm/orders?site={key}", new StringContent(crm, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await AddGoalAsync(key, new { name = "Shoes", type = "pageview", path = "/shoes*" });
        await AddGoalAsync(key, new { name = "Cart", type = "pageview", path = "/cart" });
        await AddGoalAsync(key, new { name = "Signup", type = "event", event_name = "signup" });
        Func<EventRow, bool>[] goals =
        [
            e => e.Type == "pageview" && e.Path.StartsWith("/shoes", StringComparison.Ordinal),
            e => e.Type == "pageview" && e.Path == "/cart",
            e => e.Type != "pageview" && (e.Name == "signup" || e.Type == "signup"),
        ];
        var orders = new (string Person, double Revenue)[] { (data.Person(data.Events[^4]), 50), (data.Person(data.Events[^2]), 30), ("c9", 100) };

        foreach (var (filter, match) in new (string, Func<EventRow, bool>)[] { ("", _ => true), ("&filter=country:is:DE", e => e.Country == "DE") })
        {
            var answer = await api.Admin().GetFromJsonAsync<JsonElement>($"/api/reports/goals?site={key}&{Range}{filter}");
            var events = data.Events.Where(e => !e.IsBot && e.TsMs >= FromMs && e.TsMs < ToMs && match(e)).ToList();
            var sessions = data.Sessions().Where(s => s.StartMs >= FromMs && s.StartMs < ToMs).ToList();
            var visitors = events.Select(data.Person).Distinct().Count();
            Assert.Equal(visitors, answer.GetProperty("visitors").GetInt64());
            var rows = answer.GetProperty("goals").EnumerateArray().ToList();
            Assert.Equal(["Shoes", "Cart", "Signup"], rows.Select(r => r.GetProperty("name").GetString()));
            for (var g = 0; g < goals.Length; g++)
            {
                var persons = events.Where(goals[g]).Select(data.Person).Distinct().Count();
                Assert.True(persons > 0 || filter.Length > 0, "the traffic reaches every goal");
                Assert.Equal(persons, rows[g].GetProperty("persons").GetInt64());
                Assert.Equal(sessions.Count(s => s.Events.Any(e => goals[g](e) && match(e))), rows[g].GetProperty("sessions").GetInt64());
                Assert.Equal(Math.Round((double)persons / visitors, 4), rows[g].GetProperty("conversion_rate").GetDouble(), 4);
            }
            var counted = orders.Where(o => filter.Length == 0 || events.Any(e => data.Person(e) == o.Person)).ToList();
            Assert.Equal(counted.Count, answer.GetProperty("orders").GetInt64());
            Assert.Equal(counted.Sum(o => o.Revenue), answer.GetProperty("revenue").GetDouble(), 2);
            Assert.Equal(Math.Round(counted.Sum(o => o.Revenue) / counted.Count, 2), answer.GetProperty("average_order_value").GetDouble(), 2);
        }

        var csv = (await api.Admin().GetStringAsync($"/api/reports/goals?site={key}&{Range}&format=csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("goal,persons,sessions,conversion_rate,orders,revenue,average_order_value", csv[0]);
        Assert.Equal("(all)", csv[^1].Split(',')[0]);
        Assert.Equal(5, csv.Length);
    }
}

public sealed class GoalsTestsEmbedded(EmbeddedApi api) : GoalsTests(api), IClassFixture<EmbeddedApi>;
public sealed class GoalsTestsServer(ServerApi api) : GoalsTests(api), IClassFixture<ServerApi>;
