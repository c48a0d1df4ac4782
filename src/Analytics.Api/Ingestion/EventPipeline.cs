using Analytics.Enrichment;
using Analytics.Enrichment.UserAgents;
using Analytics.Enrichment.Visitors;
using Analytics.Sites;

namespace Analytics.Ingestion;

/// <summary>What the request tells about the client, used in memory only: the IP never reaches a row.</summary>
public sealed record ClientContext(System.Net.IPAddress? Ip, string UserAgent, ClientHints? Hints, DateTimeOffset ReceivedAt)
{
    string? cookielessVisitor;
    string? cookielessSite;
    UserAgentDetails? userAgentDetails;

    /// <summary>The user agent's analysis, once for all events of the request: an unseen agent costs a full parse.</summary>
    public UserAgentDetails UserAgentDetails(Enricher enricher) => userAgentDetails ??= enricher.AnalyzeUserAgent(UserAgent, Hints);

    /// <summary>The cookieless visitor id, computed once for all events of the request (an HMAC is not free).</summary>
    public string CookielessVisitor(VisitorHash visitors, string siteId)
    {
        if (cookielessVisitor is null || cookielessSite != siteId)
        {
            cookielessVisitor = Ip is null ? "" : visitors.Compute(siteId, Ip, UserAgent);
            cookielessSite = siteId;
        }
        return cookielessVisitor;
    }
}

/// <summary>
/// The steps from a valid raw event to the stored row, each small and named: time, page, consent, identity,
/// enrichment. The same pipeline serves /api/collect and the importers.
/// </summary>
public sealed class EventPipeline(Microsoft.Extensions.Options.IOptions<IngestionOptions> options, Enricher enricher, VisitorHash visitors)
{
    readonly TimeSpan maxClientAge = TimeSpan.FromHours(options.Value.MaxClientAgeHours);

    public EventRow ToRow(RawEvent e, Site site, in ClientContext client)
    {
        var row = Build(e, site, client);
        WithTime(row, e.Ts, client.ReceivedAt);
        WithEnrichment(row, enricher.EnrichWithAgent(client.UserAgentDetails(enricher), client.Hints, client.Ip, UrlPrivacy.ForEnrichment(e.Url!), e.Referrer, site.Domains)); // before the allow-list
        WithCookielessVisitor(row, site, client);
        return row; // the IP was only read above: the row has no field for it
    }

    /// <summary>
    /// The importers' entry: the same steps, but the event's own time is trusted (the caller checked it against the
    /// site's retention), and the cookieless visitor hash is the one of the event's day (<see cref="WithHistoricVisitor"/>).
    /// </summary>
    public EventRow ToImportedRow(RawEvent e, Site site, in ClientContext client, long tsMs, string origin)
    {
        var row = Build(e, site, client);
        row.TsMs = tsMs;
        row.Origin = origin;
        WithEnrichment(row, enricher.EnrichWithAgent(client.UserAgentDetails(enricher), client.Hints, client.Ip, UrlPrivacy.ForEnrichment(e.Url!), e.Referrer, site.Domains)); // before the allow-list
        WithHistoricVisitor(row, site, client);
        return row;
    }

    EventRow Build(RawEvent e, Site site, in ClientContext client)
    {
        var row = new EventRow
        {
            EventId = Guid.CreateVersion7(),
            SiteId = site.Id,
            ReceivedAt = client.ReceivedAt,
            Type = e.Type!,
            Name = e.Name ?? "",
            Title = UrlPrivacy.Title(e.Title),
            Screen = e.Screen ?? "",
            Lang = e.Lang ?? "",
            OrderId = e.OrderId ?? "",
            Revenue = e.Revenue ?? 0,
            Currency = e.Currency ?? "",
        };
        WithPage(row, e.Url!, e.Referrer, site);
        WithConsent(row, e);
        Crm.Surveys.SurveyFields.AddTo(row, e); // before the page's props: the answer's fields come first
        WithProps(row, e.Props);
        return row;
    }

    /// <summary>A client clock in the future or too far back is not trusted: the receive time replaces it.</summary>
    internal void WithTime(EventRow row, long? clientMs, DateTimeOffset receivedAt)
    {
        var received = receivedAt.ToUnixTimeMilliseconds();
        row.TsMs = clientMs is { } ms && ms <= received && ms >= received - (long)maxClientAge.TotalMilliseconds ? ms : received;
    }

    /// <summary>The row gets the URL and referrer as <see cref="UrlPrivacy"/> allows; the enrichment read them whole.</summary>
    static void WithPage(EventRow row, string url, string? referrer, Site site)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return; // the validators let no such URL through
        row.Url = UrlPrivacy.Page(uri, site.QueryParams);
        row.Hostname = uri.Host;
        row.Path = uri.AbsolutePath;
        row.Referrer = UrlPrivacy.Referrer(referrer, uri.Host, site);
    }

    /// <summary>Identifiers only with analytics consent, whatever the client sent: consent is enforced here too.</summary>
    static void WithConsent(EventRow row, RawEvent e)
    {
        row.ConsentAnalytics = e.ConsentAnalytics;
        row.ConsentMarketing = e.ConsentMarketing;
        if (!e.ConsentAnalytics) return;
        row.Vid = e.Vid ?? "";
        row.Sid = e.Sid ?? "";
        row.CustomerId = e.CustomerId ?? "";
    }

    static void WithEnrichment(EventRow row, EnrichedFields f)
    {
        row.Browser = f.Browser;
        row.BrowserVersion = f.BrowserVersion;
        row.Os = f.Os;
        row.OsVersion = f.OsVersion;
        row.Device = f.Device;
        row.DeviceFamily = f.DeviceFamily;
        row.IsBot = f.IsBot;
        row.Country = f.Country;
        row.Region = f.Region;
        row.City = f.City;
        row.Channel = f.Channel;
        row.Source = f.Source;
        row.UtmSource = f.UtmSource;
        row.UtmMedium = f.UtmMedium;
        row.UtmCampaign = f.UtmCampaign;
        row.UtmTerm = f.UtmTerm;
        row.UtmContent = f.UtmContent;
    }

    /// <summary>Without a consented visitor id: a daily-rotating salted hash of site, IP and user agent (not reversible).</summary>
    void WithCookielessVisitor(EventRow row, Site site, in ClientContext client)
    {
        if (row.Vid.Length > 0) return;
        row.Vid = client.CookielessVisitor(visitors, site.Id);
    }

    /// <summary>
    /// History has no salt of its own day (salts are deleted after 48 h, on purpose). Today's events get exactly the
    /// collect hash; an earlier day gets today's salt over (site, day), so ids still rotate daily like collect's and
    /// cannot be recomputed once today's salt is gone. Importing the same history on another day gives other ids.
    /// </summary>
    void WithHistoricVisitor(EventRow row, Site site, in ClientContext client)
    {
        if (row.Vid.Length > 0 || client.Ip is null) return;
        var day = (int)(row.TsMs / 86_400_000);
        var today = (int)(client.ReceivedAt.ToUnixTimeMilliseconds() / 86_400_000);
        var key = day == today ? site.Id : string.Concat(site.Id, "@", day.ToString(System.Globalization.CultureInfo.InvariantCulture));
        row.Vid = visitors.Compute(key, client.Ip, client.UserAgent);
    }

    static void WithProps(EventRow row, List<KeyValuePair<string, string>>? props)
    {
        if (props is null) return;
        foreach (var (key, value) in props)
        {
            row.PropsKeys.Add(key);
            row.PropsValues.Add(value);
        }
    }
}
