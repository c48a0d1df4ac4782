using Analytics.Enrichment.Bots;

namespace Analytics.Enrichment.UserAgents;

/// <summary>User agent → <see cref="UserAgentDetails"/>, parsed once per distinct string and then cached.</summary>
/// <remarks>
/// Only the first <see cref="UserAgentParser.MaxLength"/> characters are analysed (parser and bot patterns alike),
/// so the cache key is that prefix: an entry stays small, and a long agent is cached like a short one.
/// </remarks>
public sealed class UserAgentAnalyzer(UserAgentParser parser, int cacheSize = UserAgentAnalyzer.DefaultCacheSize)
{
    public const int DefaultCacheSize = 20_000;

    private static readonly UserAgentDetails Missing = new(ParsedUserAgent.Unknown, DeviceType.Bot, IsBot: true);

    private readonly BoundedCache<string, UserAgentDetails> cache = new(cacheSize, StringComparer.Ordinal);

    private long analyses;

    public int CachedCount => cache.Count;

    /// <summary>Calls of <see cref="Analyze"/> since start: the pipeline makes one a request, not one an event.</summary>
    public long Analyses => Interlocked.Read(ref analyses);

    /// <summary>The cached analysis of <paramref name="userAgent"/>, refined by the request's client hints.</summary>
    public UserAgentDetails Analyze(string? userAgent, ClientHints? hints = null)
    {
        Interlocked.Increment(ref analyses);
        // Browsers always send a user agent; its absence is a script's mark.
        if (string.IsNullOrWhiteSpace(userAgent)) return Missing;
        var analysed = userAgent.Length > UserAgentParser.MaxLength ? userAgent[..UserAgentParser.MaxLength] : userAgent;
        var details = cache.GetOrAdd(analysed, Parse);
        return ClientHintRefinement.Refine(details, hints);
    }

    private UserAgentDetails Parse(string userAgent)
    {
        var parsed = parser.Parse(userAgent);
        var isBot = BotDetector.IsBotUserAgent(userAgent, parsed);
        return new UserAgentDetails(parsed, isBot ? DeviceType.Bot : DeviceClassifier.Classify(parsed, userAgent), isBot);
    }
}
