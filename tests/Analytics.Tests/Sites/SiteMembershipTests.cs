using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Sites;
using Analytics.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Sites;

/// <summary>
/// Non-admins see only the sites they are members of; any other site answers exactly like a key no site has.
/// The walks go over the endpoints the service maps, so a per-site endpoint added later is covered by them.
/// </summary>
public abstract class SiteMembershipTests(ApiFactory api)
{
    const string NoSuchKey = "nosuchsite000000";
    static readonly string[] PeopleRoles = ["marketer", "privacy_officer", "service"];

    List<(string Method, string Pattern, Endpoint Endpoint)> Endpoints() =>
        api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, Normalized(e.RoutePattern.RawText!), (Endpoint)e)))
            .ToList();

    /// <summary>A group's "/" maps "/api/sites/": the path callers write is "/api/sites".</summary>
    static string Normalized(string pattern) => pattern.Length > 1 ? pattern.TrimEnd('/') : pattern;

    static HttpRequestMessage Request(string method, string pattern, string key)
    {
        var path = Regex.Replace(pattern.Replace("{key}", key), @"\{[^}]+\}", "x");
        return new HttpRequestMessage(new HttpMethod(method), path + (path.Contains('?') ? "&" : "?") + "site=" + key)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
    }

    [Fact]
    public async Task Every_per_site_endpoint_hides_a_site_from_non_members_and_opens_it_to_members()
    {
        var site = await api.CreateSiteAsync("walk.example");
        var members = new Dictionary<string, Users.Created>();
        var strangers = new Dictionary<string, Users.Created>();
        foreach (var role in PeopleRoles)
        {
            members[role] = await Users.CreateAsync(api, role);
            strangers[role] = await Users.CreateAsync(api, role);
            await Users.AddMemberAsync(api, site, members[role].Id);
        }
        var scoped = Endpoints().Where(e => e.Endpoint.Metadata.GetMetadata<SiteScopedEndpoint>() is not null).ToList();
        Assert.Contains(scoped, e => e.Pattern == "/api/sites/{key}");
        Assert.Contains(scoped, e => e.Pattern == "/api/events/recent");
        Assert.Contains(scoped, e => e.Pattern == "/api/import/events");
        Assert.Contains(scoped, e => e.Pattern == "/api/import/access-log");
        Assert.Contains(scoped, e => e.Pattern == "/api/customers");
        Assert.Contains(scoped, e => e.Pattern == "/api/customers/{id}");
        Assert.Contains(scoped, e => e.Pattern == "/api/reports/overview");
        Assert.Contains(scoped, e => e.Pattern == "/api/reports/breakdown");
        Assert.Contains(scoped, e => e.Pattern == "/api/reports/funnel");
        Assert.Contains(scoped, e => e.Pattern == "/api/reports/goals");
        Assert.Contains(scoped, e => e.Pattern == "/api/sites/{key}/goals");
        Assert.Contains(scoped, e => e.Pattern == "/api/privacy/requests");
        foreach (var report in new[] { "retention", "forms", "abc", "realtime" }) Assert.Contains(scoped, e => e.Pattern == "/api/reports/" + report);
        Assert.Contains(scoped, e => e.Pattern == "/api/reports/surveys");
        Assert.Contains(scoped, e => e.Pattern == "/api/reports/rfm");
        Assert.Contains(scoped, e => e.Pattern == "/api/sites/{key}/segments");
        Assert.Contains(scoped, e => e.Pattern == "/api/segments/{id}/customers");
        Assert.Contains(scoped, e => e.Pattern == "/api/reports/affinity");
        Assert.Contains(scoped, e => e.Pattern == "/api/privacy/consents");
        Assert.Contains(scoped, e => e.Pattern == "/api/privacy/audit");
        foreach (var pattern in new[] { "/api/costs", "/api/reports/value", "/api/reports/frequency" }) Assert.Contains(scoped, e => e.Pattern == pattern);

        var opened = new List<string>();
        foreach (var (method, pattern, _) in scoped)
        foreach (var role in PeopleRoles)
        {
            var what = $"{method} {pattern} as {role}";
            var stranger = await api.As(strangers[role].Token).SendAsync(Request(method, pattern, site));
            var unknown = await api.As(strangers[role].Token).SendAsync(Request(method, pattern, NoSuchKey));
            var member = await api.As(members[role].Token).SendAsync(Request(method, pattern, site));
            if (stranger.StatusCode == HttpStatusCode.Forbidden)
            {
                // The role is refused whatever the site: the same for the member, and no hint about the key.
                Assert.True(member.StatusCode == HttpStatusCode.Forbidden, $"{what}: member {(int)member.StatusCode}, stranger 403");
                Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
                continue;
            }
            Assert.True(stranger.StatusCode == HttpStatusCode.NotFound, $"{what}: a non-member got {(int)stranger.StatusCode}");
            Assert.Equal(await Users.ProblemShapeAsync(unknown, NoSuchKey), await Users.ProblemShapeAsync(stranger, site));
            var memberBody = await member.Content.ReadAsStringAsync();
            Assert.True(member.StatusCode != HttpStatusCode.Forbidden && !memberBody.Contains("Unknown site"), $"{what}: the member got {(int)member.StatusCode} {memberBody}");
            opened.Add(what);
        }
        Assert.Contains("GET /api/sites/{key} as service", opened);
        Assert.Contains("GET /api/events/recent as marketer", opened);
        Assert.Contains("POST /api/import/events as marketer", opened);
        Assert.Contains("GET /api/customers as service", opened);
        Assert.Contains("GET /api/customers/{id} as service", opened);
        Assert.Contains("GET /api/reports/overview as marketer", opened);
        Assert.Contains("POST /api/reports/funnel as marketer", opened);
        Assert.Contains("POST /api/sites/{key}/goals as marketer", opened);
        Assert.Contains("GET /api/privacy/consents as privacy_officer", opened);
        Assert.Contains("GET /api/privacy/audit as privacy_officer", opened);
        Assert.DoesNotContain(opened, o => o.StartsWith("GET /api/privacy/") && o.EndsWith(" as marketer"));
        Assert.Contains("GET /api/privacy/requests as privacy_officer", opened);
    }

    [Fact]
    public async Task Every_endpoint_of_a_site_in_its_route_or_of_customer_data_uses_the_site_check()
    {
        static bool PerSite(string pattern) => pattern.Contains("{key}") || pattern.StartsWith("/api/crm/") || pattern.StartsWith("/api/customers")
            || pattern is "/api/events/recent" || pattern.StartsWith("/api/import/") || pattern.StartsWith("/api/reports/")
            || pattern is "/api/costs";
        var missing = Endpoints().Where(e => PerSite(e.Pattern) && e.Endpoint.Metadata.GetMetadata<SiteScopedEndpoint>() is null)
            .Select(e => $"{e.Method} {e.Pattern}").ToList();
        Assert.True(missing.Count == 0, "Not marked with RequireSiteAccess: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task A_member_gets_the_answers_of_its_site_and_a_stranger_the_unknown_site_answer()
    {
        var site = await api.CreateSiteAsync("mine.example");
        var marketer = await Users.CreateAsync(api, "marketer");
        var stranger = await Users.CreateAsync(api, "marketer");
        await Users.AddMemberAsync(api, site, marketer.Id);
        var line = "{\"type\":\"pageview\",\"url\":\"https://mine.example/\",\"ts\":" + DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() + ",\"ip\":\"203.0.113.9\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0\"}\n";
        HttpRequestMessage Import() => new(HttpMethod.Post, $"/api/import/events?site={site}") { Content = new StringContent(line, Encoding.UTF8, "application/x-ndjson") };
        HttpRequestMessage Enrich(string key) => new(HttpMethod.Post, "/api/tools/enrich") { Content = JsonContent.Create(new { user_agent = "curl/8", url = "https://mine.example/", site = key }) };

        Assert.Equal(HttpStatusCode.OK, (await api.As(marketer.Token).GetAsync($"/api/sites/{site}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.As(marketer.Token).SendAsync(Import())).StatusCode);
        var recent = await api.As(marketer.Token).GetAsync($"/api/events/recent?site={site}");
        Assert.Equal(HttpStatusCode.OK, recent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.As(marketer.Token).SendAsync(Enrich(site))).StatusCode);

        foreach (var request in new Func<HttpRequestMessage>[]
                 {
                     () => new(HttpMethod.Get, $"/api/sites/{site}"), Import, () => new(HttpMethod.Get, $"/api/events/recent?site={site}"), () => Enrich(site),
                 })
        {
            var refused = await api.As(stranger.Token).SendAsync(request());
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        var unknown = await api.As(stranger.Token).SendAsync(Enrich(NoSuchKey));
        Assert.Equal(await Users.ProblemShapeAsync(unknown, NoSuchKey), await Users.ProblemShapeAsync(await api.As(stranger.Token).SendAsync(Enrich(site)), site));
    }

    [Fact]
    public async Task The_site_list_of_a_non_admin_holds_its_sites_only_and_an_admin_sees_all()
    {
        var (mine, theirs) = (await api.CreateSiteAsync("a.example"), await api.CreateSiteAsync("b.example"));
        var officer = await Users.CreateAsync(api, "privacy_officer");
        await Users.AddMemberAsync(api, mine, officer.Id);
        static async Task<List<string?>> Keys(HttpClient client) =>
            (await client.GetFromJsonAsync<JsonElement>("/api/sites")).EnumerateArray().Select(s => s.GetProperty("key").GetString()).ToList();

        Assert.Equal([mine], await Keys(api.As(officer.Token)));
        Assert.Empty(await Keys(api.As((await Users.CreateAsync(api, "service")).Token)));
        var all = await Keys(api.Admin());
        Assert.Contains(mine, all);
        Assert.Contains(theirs, all);
    }

    [Fact]
    public async Task Admins_manage_membership_idempotently_and_a_change_is_in_force_at_once()
    {
        var site = await api.CreateSiteAsync("members.example");
        var user = await Users.CreateAsync(api, "marketer");
        var members = $"/api/sites/{site}/members";

        var added = await api.Admin().PostAsJsonAsync(members, new { user_id = user.Id });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(user.Id, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user_id").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().PostAsJsonAsync(members, new { user_id = user.Id })).StatusCode);
        var listed = await api.Admin().GetFromJsonAsync<JsonElement>(members);
        var member = Assert.Single(listed.EnumerateArray());
        Assert.Equal(user.Id, member.GetProperty("user_id").GetString());
        Assert.Equal("marketer", member.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.As(user.Token).GetAsync($"/api/sites/{site}")).StatusCode);

        // The body form of DESIGN.md ...
        var remove = new HttpRequestMessage(HttpMethod.Delete, members) { Content = JsonContent.Create(new { user_id = user.Id }) };
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().SendAsync(remove)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.As(user.Token).GetAsync($"/api/sites/{site}")).StatusCode);
        Assert.Empty((await api.Admin().GetFromJsonAsync<JsonElement>(members)).EnumerateArray());
        // ... and the path form; removing twice is no error.
        await Users.AddMemberAsync(api, site, user.Id);
        Assert.Equal(HttpStatusCode.OK, (await api.As(user.Token).GetAsync($"/api/sites/{site}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"{members}/{user.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"{members}/{user.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.As(user.Token).GetAsync($"/api/sites/{site}")).StatusCode);
    }

    [Theory]
    [InlineData("{}", "user_id")]
    [InlineData("{\"user_id\": \"no-such-user\"}", "user_id")]
    public async Task A_membership_names_an_existing_user(string body, string field)
    {
        var site = await api.CreateSiteAsync("bad-members.example");
        var response = await api.Admin().PostAsync($"/api/sites/{site}/members", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        var unknownSite = await api.Admin().PostAsJsonAsync($"/api/sites/{NoSuchKey}/members", new { user_id = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknownSite.StatusCode);
    }

    [Fact]
    public async Task The_service_role_reaches_its_sites_and_nothing_else()
    {
        var site = await api.CreateSiteAsync("service.example");
        var service = await Users.CreateAsync(api, "service");
        await Users.AddMemberAsync(api, site, service.Id);
        // Customer service and sales: their sites, and the customer endpoints of issue 16 (search, 360-degree view, contacts).
        var allowed = new HashSet<string>(StringComparer.Ordinal)
        {
            "GET /api/me", "GET /api/info", "GET /api/sites", "GET /api/sites/{key}",
            "GET /api/customers", "GET /api/customers/{id}", "POST /api/crm/contacts",
            "GET /openapi/{documentName}.json", // the API's description, for any person's token
            "GET /api/auth/csrf", "PUT /api/auth/password", "POST /api/auth/signout", // their own sign-in
        };
        foreach (var (method, pattern, endpoint) in Endpoints())
        {
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) continue;
            var response = await api.As(service.Token).SendAsync(Request(method, pattern, site));
            if (allowed.Contains($"{method} {pattern}"))
                Assert.True(response.StatusCode != HttpStatusCode.Forbidden, $"{method} {pattern} refused the service role");
            else
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {pattern} answered the service role {(int)response.StatusCode}");
        }
    }
}

public sealed class SiteMembershipTestsEmbedded(EmbeddedApi api) : SiteMembershipTests(api), IClassFixture<EmbeddedApi>;
public sealed class SiteMembershipTestsServer(ServerApi api) : SiteMembershipTests(api), IClassFixture<ServerApi>;
