using System.Text.Json.Serialization;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Sessions;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using static Analytics.Tests.Sessions.SessionData;

namespace Analytics.Tests.Identity;

/// <summary>Person resolution through identity links (DESIGN.md "Semantics") by <see cref="PersonSql"/>, on both engines.</summary>
public abstract class PersonSqlTests(EngineFixture engine)
{
    static string NewSite() => "p" + Guid.NewGuid().ToString("N")[..12];

    async Task<Dictionary<string, string>> PersonsByPathAsync(string site) =>
        (await engine.ClickHouse.QueryListAsync(
            Sql.Query($"SELECT path, person FROM ({PersonSql.EventsWithPerson(site, Base - 7 * 24 * 60 * Minute, Base + 7 * 24 * 60 * Minute)})"),
            PersonSqlJson.Default.PathPerson)).ToDictionary(r => r.Path, r => r.Person);

    [Fact]
    public async Task A_customer_with_two_devices_is_one_person()
    {
        var site = NewSite();
        EventRow[] events = [Event(site, "phone", Base, path: "/phone"), Event(site, "laptop", Base + 3 * 60 * Minute, path: "/laptop"),
            Event(site, "stranger", Base, path: "/stranger")];
        IdentityLinkRow[] links = [Link(site, "phone", "C42", Base + 10 * Minute), Link(site, "laptop", "C42", Base + 4 * 60 * Minute)];
        await InsertAsync(engine.ClickHouse, events);
        await InsertAsync(engine.ClickHouse, links);

        var sessions = await SessionsAsync(engine.ClickHouse, new SessionQuery(site));
        Assert.Equal(Expected(events, links), sessions);
        Assert.Equal(["C42", "C42", "stranger"], sessions.Select(s => s.Person).Order(StringComparer.Ordinal));
        var persons = await engine.ClickHouse.QueryFirstOrDefaultAsync(
            Sql.Query($"SELECT uniqExact(person) AS n FROM ({SessionSql.Build(new SessionQuery(site), new SessionOptions())})"), StorageJson.Default.CountRow);
        Assert.Equal(2, persons!.N);

        // The 360-degree view's read: only the customer's devices, each session the customer's.
        var customers = await SessionsAsync(engine.ClickHouse, new SessionQuery(site, Visitors: ["laptop", "phone"]));
        Assert.Equal([("laptop", "C42"), ("phone", "C42")], customers.Select(s => (s.VisitorId, s.Person)));
    }

    [Fact]
    public async Task Anonymous_sessions_before_the_first_login_belong_to_the_customer()
    {
        var site = NewSite();
        EventRow[] events = [Event(site, "v", Base - 3 * 24 * 60 * Minute, path: "/days-before"), Event(site, "v", Base - 2 * 60 * Minute, path: "/hours-before"),
            Event(site, "v", Base, "identify", "/login"), Event(site, "v", Base + 5 * Minute, path: "/after")];
        IdentityLinkRow[] links = [Link(site, "v", "C7", Base)];
        await InsertAsync(engine.ClickHouse, events);

        Assert.All(await SessionsAsync(engine.ClickHouse, new SessionQuery(site)), s => Assert.Equal("v", s.Person));
        await InsertAsync(engine.ClickHouse, links); // the link arrives later: history is re-attributed without rewriting events

        var sessions = await SessionsAsync(engine.ClickHouse, new SessionQuery(site));
        Assert.Equal(3, sessions.Count);
        Assert.Equal(Expected(events, links), sessions);
        Assert.All(sessions, s => Assert.Equal("C7", s.Person));
        Assert.All((await PersonsByPathAsync(site)).Values, p => Assert.Equal("C7", p));
    }

    [Fact]
    public async Task On_a_shared_device_an_event_belongs_to_the_latest_link_at_or_before_it_else_to_the_earliest()
    {
        var site = NewSite();
        var hour = 60 * Minute;
        EventRow[] events = [
            Event(site, "family", Base - hour, path: "/before-any-link"),
            Event(site, "family", Base, path: "/at-first-link"),
            Event(site, "family", Base + hour, path: "/between"),
            Event(site, "family", Base + 2 * hour - 1, path: "/just-before-second-link"),
            Event(site, "family", Base + 2 * hour, path: "/at-second-link"),
            Event(site, "family", Base + 5 * hour, path: "/after-both"),
            Event(site, "family", Base + 6 * hour, path: "/after-relink"),
        ];
        // Inserted out of time order; Anna links again at +6 h.
        IdentityLinkRow[] links = [Link(site, "family", "bob", Base + 2 * hour), Link(site, "family", "anna", Base + 6 * hour),
            Link(site, "family", "anna", Base)];
        await InsertAsync(engine.ClickHouse, events);
        await InsertAsync(engine.ClickHouse, links);

        var persons = await PersonsByPathAsync(site);
        Assert.Equal(new Dictionary<string, string>
        {
            ["/before-any-link"] = "anna", ["/at-first-link"] = "anna", ["/between"] = "anna", ["/just-before-second-link"] = "anna",
            ["/at-second-link"] = "bob", ["/after-both"] = "bob", ["/after-relink"] = "anna",
        }, persons);
        Assert.All(events, e => Assert.Equal(Person(e.Vid, e.TsMs, links), persons[e.Path]));

        var sessions = await SessionsAsync(engine.ClickHouse, new SessionQuery(site));
        Assert.Equal(Expected(events, links), sessions);
        // The session of -1 ms and 0 ms around Bob's link is Bob's: a session is the person of its last event.
        Assert.Equal(["anna", "anna", "anna", "bob", "bob", "anna"], sessions.Select(s => s.Person));
    }
}

public sealed record PathPerson(string Path, string Person);

[JsonSerializable(typeof(PathPerson))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class PersonSqlJson : JsonSerializerContext;

public sealed class PersonSqlTestsEmbedded(EmbeddedEngine engine) : PersonSqlTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class PersonSqlTestsServer(ServerEngine engine) : PersonSqlTests(engine), IClassFixture<ServerEngine>;
