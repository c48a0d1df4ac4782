using Analytics.Enrichment.Bots;

namespace Analytics.Enrichment.UserAgents;

/// <summary>User agent → <see cref="UserAgentDetails"/>, parsed once per distinct string and then cached.</summary>
public sealed class UserAgentAnalyzer(UserAgentParser parser, int cacheSize = UserAgentAnalyzer.DefaultCacheSize)
{
    public const int DefaultCacheSize = 20_000;

    private static readonly UserAgentDetails Missing = new(ParsedUserAgent.Unknown, DeviceType.Bot, IsBot: true);

    private readonly BoundedCache<string, UserAgentDetails> cache = new(cacheSize, StringComparer.Ordinal);

    public int CachedCount => cache.Count;

    /// <summary>The cached analysis of <paramref name="userAgent"/>, refined by the request's client hints.</summary>
    public UserAgentDetails Analyze(string? userAgent, ClientHints? hints = null)
    {
        // Browsers always send a user agent; its absence is a script's mark.
        if (string.IsNullOrWhiteSpace(userAgent)) return Missing;
        var details = userAgent.Length > UserAgentParser.MaxLength
            ? Parse(userAgent) // not worth a cache slot
            : cache.GetOrAdd(userAgent, Parse);
        return ClientHintRefinement.Refine(details, hints);
    }

    private UserAgentDetails Parse(string userAgent)
    {
        var parsed = parser.Parse(userAgent);
        var isBot = BotDetector.IsBotUserAgent(userAgent, parsed);
        return new UserAgentDetails(parsed, isBot ? DeviceType.Bot : DeviceClassifier.Classify(parsed, userAgent), isBot);
    }
}
