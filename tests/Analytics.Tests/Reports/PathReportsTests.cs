using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;
using Analytics.Tests.Sites;

namespace Analytics.Tests.Reports;

/// <summary>
/// Transitions and paths over generated traffic on both engines, the expected answers computed here from DESIGN.md's
/// definitions: a session's pageview paths in time order, consecutive repeats of one path counted once.
/// </summary>
public abstract class PathReportsTests(ApiFactory api)
{
    const string Range = "from=2026-03-27&to=2026-03-30";
    static readonly long FromMs = DateTimeOffset.Parse("2026-03-26T23:00:00Z").ToUnixTimeMilliseconds();
    static readonly long ToMs = DateTimeOffset.Parse("2026-03-30T22:00:00Z").ToUnixTimeMilliseconds();

    async Task<(string Key, ReportData Data)> SiteWithTrafficAsync()
    {
        var created = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Path shop", domains = new[] { "paths.example" }, time_zone = "Europe/Berlin" });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var id = await api.SiteIdAsync(key);
        var data = ReportData.Generate(id, seed: 23, visitors: 60);
        // A session with consecutive repeats (a click between two pageviews of /shoes does not part them) and P twice.
        var t = DateTimeOffset.Parse("2026-03-28T09:00:00Z").ToUnixTimeMilliseconds();
        var steps = new[] { ("pageview", "/shoes"), ("pageview", "/shoes"), ("click", "/shoes"), ("pageview", "/shoes"), ("pageview", "/cart"),
            ("pageview", "/cart"), ("pageview", "/shoes"), ("pageview", "/about") };
        foreach (var (i, (type, path)) in steps.Index())
            data.Events.Add(ReportData.Event(id, "repeats", t + i * 60_000, type, path, "DE", "desktop", "direct", true));
        await SessionData.InsertAsync(api.ClickHouse, data.Events);
        await SessionData.InsertAsync(api.ClickHouse, data.Links);
        return (key, data);
    }

    /// <summary>The sessions starting in the range that hold a matching event, as their collapsed pageview paths.</summary>
    static List<List<string>> Pages(ReportData data, Func<EventRow, bool>? match = null) =>
        data.Sessions().Where(s => s.StartMs >= FromMs && s.StartMs < ToMs && s.Events.Any(match ?? (_ => true)))
            .Select(s => s.Events.Where(e => e.Type == "pageview").OrderBy(e => e.TsMs).Select(e => e.Path)
                .Aggregate(new List<string>(), (seq, p) => { if (seq.Count == 0 || seq[^1] != p) seq.Add(p); return seq; }))
            .ToList();

    async Task<JsonElement> GetAsync(string path)
    {
        var response = await api.Admin().GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    static Dictionary<string, long> Rows(JsonElement rows) =>
        rows.EnumerateArray().ToDictionary(r => r.GetProperty("path").GetString()!, r => r.GetProperty("sessions").GetInt64());

    [Fact]
    public async Task Transitions_count_sessions_per_previous_and_next_path_with_entrance_exit_and_repeats_counted_once()
    {
        var (key, data) = await SiteWithTrafficAsync();
        foreach (var (filter, match) in new (string, Func<EventRow, bool>?)[] { ("", null), ("&filter=country:is:DE", e => e.Country == "DE") })
        {
            var previous = new Dictionary<string, long>();
            var next = new Dictionary<string, long>();
            foreach (var pages in Pages(data, match))
            {
                var at = Enumerable.Range(0, pages.Count).Where(i => pages[i] == "/shoes").ToList();
                foreach (var p in at.Select(i => i == 0 ? "(entrance)" : pages[i - 1]).Distinct()) previous[p] = previous.GetValueOrDefault(p) + 1;
                foreach (var n in at.Select(i => i == pages.Count - 1 ? "(exit)" : pages[i + 1]).Distinct()) next[n] = next.GetValueOrDefault(n) + 1;
            }
            var answer = await GetAsync($"/api/reports/transitions?site={key}&{Range}&page=/shoes{filter}");
            Assert.Equal(previous.OrderBy(p => p.Key), Rows(answer.GetProperty("previous")).OrderBy(p => p.Key));
            Assert.Equal(next.OrderBy(p => p.Key), Rows(answer.GetProperty("next")).OrderBy(p => p.Key));
            var counts = answer.GetProperty("next").EnumerateArray().Select(r => r.GetProperty("sessions").GetInt64()).ToList();
            Assert.Equal(counts.OrderByDescending(c => c), counts);
            Assert.DoesNotContain("/shoes", previous.Keys); // collapsed: /shoes never follows itself
        }
        Assert.True(Pages(data).Any(p => p.SequenceEqual(["/shoes", "/cart", "/shoes", "/about"])));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Paths_give_the_flows_from_or_to_a_page_per_step_with_the_top_paths_other_and_exit(bool forward)
    {
        var (key, data) = await SiteWithTrafficAsync();
        const int depth = 3, limit = 2;
        const string page = "/shoes";
        // A flow per session holding P: from its first P onwards (or up to its last P, backwards), "(exit)"/"(entrance)" at its end.
        var end = forward ? "(exit)" : "(entrance)";
        var flows = Pages(data).Where(p => p.Contains(page)).Select(p =>
        {
            var walked = forward ? p : Enumerable.Reverse(p).ToList();
            var flow = walked.Skip(walked.IndexOf(page)).Take(depth + 1).ToList();
            if (walked.Count - 1 - walked.IndexOf(page) < depth) flow.Add(end);
            return flow;
        }).ToList();
        var kept = Enumerable.Range(0, depth + 1).ToDictionary(d => d, d => flows.Where(f => f.Count > d && f[d] != end).GroupBy(f => f[d])
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(limit).Select(g => g.Key).ToHashSet());
        string Node(int d, string path) => path == end || kept[d].Contains(path) ? path : "(other)";
        int Step(int d) => forward ? d : -d;
        var nodes = flows.SelectMany(f => f.Select((p, d) => (Step(d), Node(d, p)))).GroupBy(n => n).ToDictionary(g => g.Key, g => (long)g.Count());
        var links = flows.SelectMany(f => f.Zip(f.Skip(1), (a, b) => (a, b)).Select((pair, d) => forward
                ? (Step(d), Node(d, pair.a), Step(d + 1), Node(d + 1, pair.b))
                : (Step(d + 1), Node(d + 1, pair.b), Step(d), Node(d, pair.a))))
            .GroupBy(l => l).ToDictionary(g => g.Key, g => (long)g.Count());

        var answer = await GetAsync($"/api/reports/paths?site={key}&{Range}&{(forward ? "from_page" : "to_page")}={page}&depth={depth}&limit={limit}");
        var byId = answer.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt32(),
            n => (Step: n.GetProperty("step").GetInt32(), Path: n.GetProperty("path").GetString()!, Sessions: n.GetProperty("sessions").GetInt64()));
        Assert.Equal(nodes.OrderBy(n => n.Key), byId.Values.ToDictionary(n => (n.Step, n.Path), n => n.Sessions).OrderBy(n => n.Key));
        var actualLinks = answer.GetProperty("links").EnumerateArray().ToDictionary(l =>
        {
            var (s, t) = (byId[l.GetProperty("source").GetInt32()], byId[l.GetProperty("target").GetInt32()]);
            return (s.Step, s.Path, t.Step, t.Path);
        }, l => l.GetProperty("sessions").GetInt64());
        Assert.Equal(links.OrderBy(l => l.Key), actualLinks.OrderBy(l => l.Key));
        Assert.Contains(nodes.Keys, n => n.Item2 == "(other)");
        Assert.Contains(nodes.Keys, n => n.Item2 == end);
        Assert.Equal(flows.Count, nodes[(0, page)]);

        var csv = await api.Admin().GetStringAsync($"/api/reports/paths?site={key}&{Range}&from_page={page}&format=csv");
        Assert.StartsWith("source_step,source_path,target_step,target_path,sessions\r\n", csv);
    }

    [Fact]
    public async Task Paths_and_transitions_refuse_bad_parameters_naming_them()
    {
        var (key, _) = await SiteWithTrafficAsync();
        foreach (var (query, field) in new[]
                 {
                     ("transitions?", "page"), ("paths?depth=2", "from_page"), ("paths?from_page=/a&to_page=/b", "from_page"),
                     ("paths?from_page=/a&depth=6", "depth"), ("paths?from_page=/a&limit=0", "limit"), ("journeys?limit=x", "limit"),
                 })
        {
            var response = await api.Admin().GetAsync($"/api/reports/{query}&site={key}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {body}");
            Assert.Contains($"\"field\":\"{field}\"", body.Replace(" ", ""));
        }
    }

    [Fact]
    public async Task Transitions_paths_and_journeys_answer_members_only_and_csv()
    {
        var site = await api.CreateSiteAsync("members-paths.example");
        var member = await Users.CreateAsync(api, "marketer");
        var stranger = await Users.CreateAsync(api, "marketer");
        var service = await Users.CreateAsync(api, "service");
        foreach (var user in new[] { member, service }) await Users.AddMemberAsync(api, site, user.Id);
        foreach (var (report, header) in new[]
                 {
                     ("transitions?page=/", "direction,path,sessions"), ("paths?to_page=/", "source_step,source_path,target_step,target_path,sessions"),
                     ("journeys?limit=5", "kind,name,conversions,revenue,first_touch,last_touch,linear"),
                 })
        {
            var path = $"/api/reports/{report}&site={site}";
            var answer = await api.As(member.Token).GetAsync(path + "&format=csv");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(header, (await answer.Content.ReadAsStringAsync()).Split("\r\n")[0]);
            Assert.Equal(HttpStatusCode.NotFound, (await api.As(stranger.Token).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.As(service.Token).GetAsync(path)).StatusCode);
        }
    }
}

public sealed class PathReportsTestsEmbedded(EmbeddedApi api) : PathReportsTests(api), IClassFixture<EmbeddedApi>;
public sealed class PathReportsTestsServer(ServerApi api) : PathReportsTests(api), IClassFixture<ServerApi>;
