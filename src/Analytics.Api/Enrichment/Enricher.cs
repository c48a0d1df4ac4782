using System.Net;
using Analytics.Enrichment.Bots;
using Analytics.Enrichment.Channels;
using Analytics.Enrichment.GeoIp;
using Analytics.Enrichment.UserAgents;

namespace Analytics.Enrichment;

/// <summary>The one call the ingestion pipeline makes per event: user agent, GeoIP, bot flag, channel and UTM.</summary>
/// <remarks>Thread-safe. The IP is only looked at, never kept. The visitor hash is separate (<see cref="Visitors.VisitorHash"/>).</remarks>
public sealed class Enricher(UserAgentAnalyzer userAgents, BotDetector bots, GeoIpLookup geo)
{
    /// <param name="userAgent">The User-Agent header (or the imported log's field).</param>
    /// <param name="hints">Client hints when the browser sent them (<see cref="ClientHints.FromHeaders"/>).</param>
    /// <param name="ip">The client address, for GeoIP and data-centre checks only.</param>
    /// <param name="pageUrl">The event's page URL (UTM parameters and click ids are read from it).</param>
    /// <param name="referrer">The document referrer.</param>
    /// <param name="siteDomains">The site's own domains; referrers on them or their subdomains are internal.</param>
    public EnrichedFields Enrich(string? userAgent, ClientHints? hints, IPAddress? ip, string? pageUrl, string? referrer,
        IReadOnlyList<string> siteDomains) =>
        EnrichWithAgent(AnalyzeUserAgent(userAgent, hints), hints, ip, pageUrl, referrer, siteDomains);

    /// <summary>The user-agent part alone, for a caller that enriches many events of one client (one request).</summary>
    public UserAgentDetails AnalyzeUserAgent(string? userAgent, ClientHints? hints) => userAgents.Analyze(userAgent, hints);

    /// <param name="agent">The client's user agent, analysed once by <see cref="AnalyzeUserAgent"/>.</param>
    public EnrichedFields EnrichWithAgent(UserAgentDetails agent, ClientHints? hints, IPAddress? ip, string? pageUrl, string? referrer,
        IReadOnlyList<string> siteDomains)
    {
        var isBot = agent.IsBot || bots.IsBotRequest(hints, ip);
        var place = geo.Lookup(ip);
        var campaign = Campaign.FromUrl(pageUrl);
        var channel = ChannelClassifier.Classify(campaign, referrer, pageUrl, siteDomains);

        return new EnrichedFields
        {
            Browser = agent.Browser,
            BrowserVersion = agent.BrowserVersion ?? "",
            Os = agent.Os,
            OsVersion = agent.OsVersion ?? "",
            Device = (isBot ? DeviceType.Bot : agent.Device).ToStorageName(),
            DeviceFamily = agent.DeviceFamily,
            IsBot = isBot,
            Country = place.Country,
            Region = place.Region,
            City = place.City,
            Channel = channel.Channel.ToStorageName(),
            Source = channel.Source,
            UtmSource = campaign.UtmSource ?? "",
            UtmMedium = campaign.UtmMedium ?? "",
            UtmCampaign = campaign.UtmCampaign ?? "",
            UtmTerm = campaign.UtmTerm ?? "",
            UtmContent = campaign.UtmContent ?? "",
        };
    }
}
