using System.Buffers;
using System.Net;
using System.Text.RegularExpressions;
using Analytics.Enrichment.UserAgents;

namespace Analytics.Enrichment.Bots;

/// <summary>Decides whether a request comes from a robot rather than a person's browser.</summary>
/// <remarks>
/// Signals, any of which is enough: uap-core's device family "Spider"; a pattern of the maintained
/// <see cref="CrawlerList"/>; a token of <see cref="BotPatterns"/>; a word ending in bot/crawler/spider; an empty
/// user agent (browsers always send one); a "HeadlessChrome" brand in the Sec-CH-UA client hint; an IP in
/// <see cref="DataCentreRanges"/>.
/// </remarks>
public sealed class BotDetector(DataCentreRanges dataCentres)
{
    private static readonly SearchValues<string> Tokens =
        SearchValues.Create(BotPatterns.Tokens, StringComparison.OrdinalIgnoreCase);

    private static readonly Regex GenericWord = new(BotPatterns.GenericWordPattern,
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    public DataCentreRanges DataCentres { get; } = dataCentres;

    /// <summary>From the user agent alone (the part worth caching per user agent string).</summary>
    public static bool IsBotUserAgent(string? userAgent, ParsedUserAgent parsed)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return true;
        if (parsed.Device.IsSpider) return true;
        if (userAgent.AsSpan().IndexOfAny(Tokens) >= 0) return true;
        foreach (var prefix in BotPatterns.Prefixes)
            if (userAgent.StartsWith(prefix, StringComparison.Ordinal)) return true;
        try
        {
            if (CrawlerList.IsMatch(userAgent)) return true;
            foreach (Match word in GenericWord.Matches(userAgent))
                if (!BotPatterns.NotBots.Contains(word.Value)) return true;
            return false;
        }
        catch (RegexMatchTimeoutException)
        {
            return true; // no browser sends a user agent that keeps a pattern busy this long
        }
    }

    /// <summary>From the signals that vary per request: headless client hints and the source address.</summary>
    public bool IsBotRequest(ClientHints? hints, IPAddress? ip) =>
        (hints?.Brands?.Contains("HeadlessChrome", StringComparison.OrdinalIgnoreCase) ?? false)
        || (ip is not null && DataCentres.Contains(ip));
}
