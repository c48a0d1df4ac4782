using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Sessions;
using Analytics.Storage;

namespace Analytics.Tests.Sessions;

/// <summary>
/// Test events and links written straight into storage with the spooled-table definitions, and the session and person
/// rules of DESIGN.md implemented independently in C#, so tests compare the SQL with the rules, not with itself.
/// </summary>
public static class SessionData
{
    public static readonly long Base = DateTimeOffset.Parse("2026-10-05T08:00:00Z").ToUnixTimeMilliseconds();
    public const long Minute = 60_000;

    public static EventRow Event(string site, string vid, long tsMs, string type = "pageview", string path = "/",
        string channel = "direct", bool bot = false, string source = "", string campaign = "") => new()
        {
            EventId = Guid.NewGuid(), SiteId = site, ReceivedAt = DateTimeOffset.UtcNow, TsMs = tsMs, Type = type, Path = path,
            Vid = vid, Channel = channel, Source = source, UtmCampaign = campaign, IsBot = bot, Device = "desktop",
            Browser = "Firefox", Os = "Linux", Country = "DE",
        };

    public static IdentityLinkRow Link(string site, string vid, string customer, long linkedAtMs) => new()
    {
        LinkId = Guid.CreateVersion7(), SiteId = site, VisitorId = vid, CustomerId = customer,
        LinkedAt = DateTimeOffset.FromUnixTimeMilliseconds(linkedAtMs), Source = IdentityLinks.FromCrm,
    };

    public static async Task InsertAsync(IClickHouse clickHouse, IEnumerable<EventRow> events)
    {
        using var writer = new RowBinaryWriter();
        foreach (var row in events) EventColumns.Definition.Write(row, writer);
        if (writer.Length > 0) await clickHouse.InsertRowBinaryAsync(EventColumns.TableName, EventColumns.Definition.ColumnNames, writer.Written);
    }

    public static async Task InsertAsync(IClickHouse clickHouse, IEnumerable<IdentityLinkRow> links)
    {
        using var writer = new RowBinaryWriter();
        foreach (var row in links) IdentityLinks.Definition.Write(row, writer);
        if (writer.Length > 0) await clickHouse.InsertRowBinaryAsync(IdentityLinks.Definition.Name, IdentityLinks.Definition.ColumnNames, writer.Written);
    }

    public static async Task<List<SessionRow>> SessionsAsync(IClickHouse clickHouse, SessionQuery query, SessionOptions? options = null) =>
        await clickHouse.QueryListAsync(
            Sql.Query($"SELECT * FROM ({SessionSql.Build(query, options ?? new SessionOptions())}) ORDER BY visitor_id, start_ms"),
            SessionJson.Default.SessionRow);

    /// <summary>The person of an event at <paramref name="tsMs"/>: latest link at or before it, else the earliest; else the visitor.</summary>
    public static string Person(string vid, long tsMs, IEnumerable<IdentityLinkRow> links)
    {
        var own = links.Where(l => l.VisitorId == vid)
            .OrderBy(l => l.LinkedAt.ToUnixTimeSeconds()).ThenBy(l => l.CustomerId, StringComparer.Ordinal).ToList();
        if (own.Count == 0) return vid;
        var before = own.LastOrDefault(l => l.LinkedAt.ToUnixTimeSeconds() * 1000 <= tsMs);
        return (before ?? own[0]).CustomerId;
    }

    /// <summary>Sessions by the rules: per visitor, non-bot events in time order, cut where the gap is more than <paramref name="gapMs"/>.</summary>
    public static List<SessionRow> Expected(IEnumerable<EventRow> events, IReadOnlyList<IdentityLinkRow> links, long gapMs = 30 * Minute)
    {
        var sessions = new List<SessionRow>();
        foreach (var visitor in events.Where(e => !e.IsBot).GroupBy(e => e.Vid).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = visitor.OrderBy(e => e.TsMs).ThenBy(e => e.EventId.ToString("D"), StringComparer.Ordinal).ToList();
            var current = new List<EventRow>();
            foreach (var e in ordered)
            {
                if (current.Count > 0 && e.TsMs - current[^1].TsMs > gapMs)
                {
                    sessions.Add(Facts(current, links));
                    current = [];
                }
                current.Add(e);
            }
            if (current.Count > 0) sessions.Add(Facts(current, links));
        }
        return sessions;
    }

    static SessionRow Facts(List<EventRow> s, IReadOnlyList<IdentityLinkRow> links)
    {
        var first = s[0];
        var pageviews = s.Where(e => e.Type == "pageview").ToList();
        return new SessionRow(first.SiteId, first.Vid, Person(first.Vid, s[^1].TsMs, links), first.TsMs, s[^1].TsMs,
            s[^1].TsMs - first.TsMs, s.Count, pageviews.Count, s.Count == 1 && first.Type == "pageview" ? 1 : 0,
            pageviews.FirstOrDefault()?.Path ?? "", pageviews.LastOrDefault()?.Path ?? "", first.Channel, first.Source,
            first.UtmCampaign, first.Device, first.Browser, first.Os, first.Country);
    }
}
