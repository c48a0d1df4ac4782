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

    [Fact]
    public async Task Shared_devices_named_in_the_sql_give_the_persons_of_the_subquery_and_more_than_the_limit_stay_a_subquery()
    {
        var site = NewSite();
        var hour = 60 * Minute;
        EventRow[] events = [Event(site, "family", Base - hour, path: "/family-before"), Event(site, "family", Base + 3 * hour, path: "/family-after"),
            Event(site, "phone", Base, path: "/phone"), Event(site, "stranger", Base, path: "/stranger")];
        IdentityLinkRow[] links = [Link(site, "family", "anna", Base), Link(site, "family", "bob", Base + 2 * hour), Link(site, "phone", "C1", Base),
            Link(site, "phone", "C1", Base + hour)];
        await InsertAsync(engine.ClickHouse, events);
        await InsertAsync(engine.ClickHouse, links);
        var devices = new SharedDevices(engine.ClickHouse);
        Assert.Equal(["family"], (await devices.OfAsync(site, CancellationToken.None))!);

        Sql Source(Sql visitors) => Sql.Query($"SELECT ts_ms, vid, path FROM events WHERE site_id = {site} {visitors}");
        async Task<List<string>> PersonsAsync(string siteId, IReadOnlyList<string>? named, bool hashed)
        {
            var columns = Sql.Query($"ts_ms, vid, path");
            var rows = hashed
                ? Sql.Query($"SELECT path, toString(person_hash) AS person FROM ({PersonSql.WithPersonHash(siteId, new SqlIdentifier("vid"), Source, columns, new SqlIdentifier("ts_ms"), named: named)})")
                : Sql.Query($"SELECT path, person FROM ({PersonSql.WithPerson(siteId, new SqlIdentifier("vid"), Source, columns, new SqlIdentifier("ts_ms"), named: named)})");
            return (await engine.ClickHouse.QueryListAsync(rows, PersonSqlJson.Default.PathPerson)).Select(r => $"{r.Path}={r.Person}").Order(StringComparer.Ordinal).ToList();
        }
        Assert.Equal(["/family-after=bob", "/family-before=anna", "/phone=C1", "/stranger=stranger"], await PersonsAsync(site, null, hashed: false));
        Assert.Equal(await PersonsAsync(site, null, hashed: false), await PersonsAsync(site, ["family"], hashed: false));
        Assert.Equal(await PersonsAsync(site, null, hashed: true), await PersonsAsync(site, ["family"], hashed: true));

        // A site without shared devices names none, and its persons need no shared part.
        var sole = NewSite();
        await InsertAsync(engine.ClickHouse, [Event(sole, "phone", Base, path: "/phone"), Event(sole, "stranger", Base, path: "/stranger")]);
        await InsertAsync(engine.ClickHouse, [Link(sole, "phone", "C1", Base)]);
        Assert.Empty((await devices.OfAsync(sole, CancellationToken.None))!);
        Sql SoleSource(Sql visitors) => Sql.Query($"SELECT ts_ms, vid, path FROM events WHERE site_id = {sole} {visitors}");
        var withoutPart = PersonSql.WithPerson(sole, new SqlIdentifier("vid"), SoleSource, Sql.Query($"ts_ms, vid, path"), new SqlIdentifier("ts_ms"), named: []);
        Assert.DoesNotContain("UNION ALL", withoutPart.Text);
        Assert.Equal(["/phone=C1", "/stranger=stranger"], (await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT path, person FROM ({withoutPart})"),
            PersonSqlJson.Default.PathPerson)).Select(r => $"{r.Path}={r.Person}").Order(StringComparer.Ordinal));

        // More shared devices than can be named: the subquery stays.
        var many = NewSite();
        await InsertAsync(engine.ClickHouse, Enumerable.Range(0, SharedDevices.MaxNamed + 1)
            .SelectMany(i => new[] { Link(many, $"kiosk{i}", "anna", Base), Link(many, $"kiosk{i}", "bob", Base + hour) }).ToArray());
        Assert.Null(await devices.OfAsync(many, CancellationToken.None));
    }

    [Fact]
    public async Task A_few_rows_read_only_their_visitors_links_and_get_the_persons_and_links_of_the_split()
    {
        var site = NewSite();
        var hour = 60 * Minute;
        EventRow[] events = [Event(site, "family", Base - hour, path: "/family-before"), Event(site, "family", Base + 3 * hour, path: "/family-after"),
            Event(site, "phone", Base - hour, path: "/phone-before-login"), Event(site, "stranger", Base, path: "/stranger"),
            Event(site, "other", Base, path: "/other")];
        IdentityLinkRow[] links = [Link(site, "family", "anna", Base), Link(site, "family", "bob", Base + 2 * hour), Link(site, "phone", "C1", Base),
            Link(site, "phone", "C1", Base + hour), Link(site, "other", "C9", Base)];
        await InsertAsync(engine.ClickHouse, events);
        await InsertAsync(engine.ClickHouse, links);

        // The source leaves out "other": its links are not read, and nothing of it shows.
        var source = Sql.Query($"SELECT ts_ms, vid, path FROM events WHERE site_id = {site} AND vid != 'other'");
        Sql SplitSource(Sql visitors) => Sql.Query($"{source} {visitors}");
        var columns = Sql.Query($"ts_ms, vid, path");
        async Task<List<string>> PersonsAsync(Sql rows) =>
            (await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT path, concat(person, ' ', toString(linked)) AS person FROM ({rows})"), PersonSqlJson.Default.PathPerson))
            .Select(r => $"{r.Path}={r.Person}").Order(StringComparer.Ordinal).ToList();

        var few = await PersonsAsync(PersonSql.WithPersonOfFew(site, source, columns, new SqlIdentifier("ts_ms"), linked: true));
        Assert.Equal(["/family-after=bob 1", "/family-before=anna 1", "/phone-before-login=C1 1", "/stranger=stranger 0"], few);
        Assert.Equal(await PersonsAsync(PersonSql.WithPerson(site, new SqlIdentifier("vid"), SplitSource, columns, new SqlIdentifier("ts_ms"), linked: true)), few);
    }
}

public sealed record PathPerson(string Path, string Person);

[JsonSerializable(typeof(PathPerson))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class PersonSqlJson : JsonSerializerContext;

public sealed class PersonSqlTestsEmbedded(EmbeddedEngine engine) : PersonSqlTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class PersonSqlTestsServer(ServerEngine engine) : PersonSqlTests(engine), IClassFixture<ServerEngine>;
