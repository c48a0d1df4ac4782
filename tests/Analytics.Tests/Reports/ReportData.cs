using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Reports;

/// <summary>
/// Generated shop traffic around the spring DST change of Europe/Berlin (2026-03-29, 02:00 → 03:00), and DESIGN.md's
/// report semantics computed here in plain C# (persons, sessions, bounce, duration, breakdowns), so that the
/// tests compare the service with the rules and not with its own SQL.
/// </summary>
public sealed class ReportData
{
    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    const long Minute = 60_000;
    static readonly string[] Paths = ["/", "/shoes", "/shoes/red", "/cart", "/checkout", "/about", "/blog/one", "/blog/two"];
    static readonly string[] Countries = ["DE", "DE", "DE", "AT", "CH", "FR", ""];
    static readonly string[] Devices = ["desktop", "desktop", "mobile", "tablet"];
    static readonly string[] Channels = ["direct", "organic_search", "email", "social"];

    public List<EventRow> Events { get; } = [];
    public List<IdentityLinkRow> Links { get; } = [];

    public static ReportData Generate(string siteId, int seed = 17, int visitors = 40)
    {
        var data = new ReportData();
        var random = new Random(seed);
        var first = DateTimeOffset.Parse("2026-03-21T00:00:00Z").ToUnixTimeMilliseconds();
        for (var v = 1; v <= visitors; v++)
        {
            var vid = $"v{v:00}";
            var country = Countries[random.Next(Countries.Length)];
            var device = Devices[random.Next(Devices.Length)];
            // Sessions on distinct days, so a visitor's sessions never touch: 1 to 3 of them.
            foreach (var day in Enumerable.Range(0, 11).OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                var t = first + day * 24 * 60 * Minute + random.Next(0, 23 * 60) * Minute + random.Next(0, 60_000);
                var channel = Channels[random.Next(Channels.Length)];
                var count = random.Next(1, 7);
                for (var i = 0; i < count; i++)
                {
                    var type = i == 0 ? (random.Next(5) == 0 ? "custom" : "pageview") : random.Next(10) switch { < 6 => "pageview", < 8 => "click", _ => "custom" };
                    data.Events.Add(Event(siteId, vid, t, type, Paths[random.Next(Paths.Length)], country, device, channel, consent: v % 3 != 0));
                    t += random.Next(10, 20 * 60) * 1000L + random.Next(1000);
                }
            }
        }
        // Around local midnight on both sides of the DST change: 00:30 on the 29th (+01:00) and on the 30th (+02:00).
        data.Events.Add(Event(siteId, "dst", DateTimeOffset.Parse("2026-03-28T23:30:00Z").ToUnixTimeMilliseconds(), "pageview", "/", "DE", "mobile", "direct", true));
        data.Events.Add(Event(siteId, "dst", DateTimeOffset.Parse("2026-03-29T22:30:00Z").ToUnixTimeMilliseconds(), "pageview", "/shoes", "DE", "mobile", "direct", true));
        // Bots never count.
        foreach (var bot in new[] { "bot1", "bot2" })
        for (var i = 0; i < 5; i++)
        {
            var row = Event(siteId, bot, DateTimeOffset.Parse("2026-03-28T10:00:00Z").ToUnixTimeMilliseconds() + i * Minute, "pageview", "/shoes", "DE", "desktop", "direct", false);
            row.IsBot = true;
            data.Events.Add(row);
        }
        // Two devices of one customer, and a visitor who logs in later (retroactive person).
        data.Links.Add(SessionData.Link(siteId, "v01", "c1", first));
        data.Links.Add(SessionData.Link(siteId, "v02", "c1", first));
        data.Links.Add(SessionData.Link(siteId, "v03", "c2", DateTimeOffset.Parse("2026-03-28T00:00:00Z").ToUnixTimeMilliseconds()));
        // A shared device: v04's events belong to c3 (whose own device is v05) until c4 logs in on it, then to c4. Both
        // devices view "/" in the reports' range before that login (one person, c3), v04 "/shoes" after it (c4).
        var login = DateTimeOffset.Parse("2026-03-28T00:00:00Z").ToUnixTimeMilliseconds();
        foreach (var (vid, at, path) in new[] { ("v04", -20, "/"), ("v05", -19, "/"), ("v04", 20, "/shoes") })
            data.Events.Add(Event(siteId, vid, login + at * 60 * Minute, "pageview", path, "DE", "desktop", "direct", true));
        data.Links.Add(SessionData.Link(siteId, "v04", "c3", first));
        data.Links.Add(SessionData.Link(siteId, "v05", "c3", first));
        data.Links.Add(SessionData.Link(siteId, "v04", "c4", login));
        return data;
    }

    public static EventRow Event(string site, string vid, long tsMs, string type, string path, string country, string device, string channel, bool consent) => new()
    {
        EventId = Guid.NewGuid(), SiteId = site, ReceivedAt = DateTimeOffset.UtcNow, TsMs = tsMs, Type = type, Path = path, Vid = vid,
        Country = country, Device = device, Channel = channel, Browser = "Firefox", Os = "Linux", ConsentAnalytics = consent,
        Name = type == "custom" ? "signup" : "",
    };

    public string Person(EventRow e) => SessionData.Person(e.Vid, e.TsMs, Links);

    public bool Identified(EventRow e) => Links.Any(l => l.VisitorId == e.Vid);

    /// <summary>A session by DESIGN.md: a visitor's events in time order, cut after more than 30 minutes without one.</summary>
    public sealed record Session(List<EventRow> Events, string Person)
    {
        public long StartMs => Events[0].TsMs;
        public long DurationMs => Events[^1].TsMs - Events[0].TsMs;
        public bool Bounce => Events.Count == 1 && Events[0].Type == "pageview";
        public int Pageviews => Events.Count(e => e.Type == "pageview");
        public string EntryPage => Events.FirstOrDefault(e => e.Type == "pageview")?.Path ?? "";
        public string ExitPage => Events.LastOrDefault(e => e.Type == "pageview")?.Path ?? "";
    }

    public List<Session> Sessions()
    {
        var sessions = new List<Session>();
        foreach (var visitor in Events.Where(e => !e.IsBot).GroupBy(e => e.Vid))
        {
            var current = new List<EventRow>();
            foreach (var e in visitor.OrderBy(e => e.TsMs))
            {
                if (current.Count > 0 && e.TsMs - current[^1].TsMs > 30 * Minute)
                {
                    sessions.Add(new Session(current, Person(current[^1])));
                    current = [];
                }
                current.Add(e);
            }
            if (current.Count > 0) sessions.Add(new Session(current, Person(current[^1])));
        }
        return sessions;
    }

    /// <summary>The five overview numbers of [from, to) for the events matching <paramref name="match"/>.</summary>
    public (long Visitors, long Sessions, long Pageviews, double BounceRate, double AvgSeconds) Overview(long fromMs, long toMs, Func<EventRow, bool>? match = null)
    {
        match ??= _ => true;
        var events = Events.Where(e => !e.IsBot && e.TsMs >= fromMs && e.TsMs < toMs && match(e)).ToList();
        var sessions = Sessions().Where(s => s.StartMs >= fromMs && s.StartMs < toMs && s.Events.Any(match)).ToList();
        return (events.Select(Person).Distinct().Count(), sessions.Count, events.Count(e => e.Type == "pageview"),
            sessions.Count == 0 ? 0 : (double)sessions.Count(s => s.Bounce) / sessions.Count,
            sessions.Count == 0 ? 0 : sessions.Average(s => s.DurationMs) / 1000.0);
    }

    public static DateOnly LocalDay(long ms, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone).DateTime);
}
