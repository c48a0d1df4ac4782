namespace Analytics.Enrichment.Bots;

/// <summary>
/// User-agent substrings (case-insensitive) of automated clients that neither uap-core's Spider rule nor the
/// maintained <see cref="CrawlerList"/> names: headless toolkits, monitors and HTTP libraries. A test fails
/// when the list comes to name one of them, so this supplement only shrinks.
/// </summary>
internal static class BotPatterns
{
    public static readonly string[] Tokens =
    [
        // Headless browsers and browser automation
        "Headless", "SlimerJS", "WebDriver", "Nightmare", "Cypress", "jsdom",
        // Performance, SEO and uptime monitoring
        "Lighthouse", "PageSpeed", "Datadog", "NewRelicPinger", "BetterStack", "Nagios", "Monitis",
        "Screaming Frog", "Siteimprove", "Sitebulb",
        // HTTP libraries and command-line clients
        "python-urllib", "LWP::Simple", "undici", "GuzzleHttp", "PostmanRuntime", "insomnia", "Faraday",
        "Ruby", "RestSharp", "Dart/", "reqwest", "WinHttp", "PowerShell", "http.rb", "Typhoeus", "Deno/", "Bun/",
        "httpclient", "fasthttp",
        // Feed readers
        "Inoreader",
    ];

    /// <summary>
    /// Case-sensitive starts of user agents of HTTP libraries: "Java/1.8.0_151" is Java's own client, while
    /// "… Java/ASVM/1.1 …" further in is the Java runtime of a feature phone's browser.
    /// </summary>
    public static readonly string[] Prefixes = ["Java/"];

    /// <summary>Word endings that mark a self-declared robot ("ExampleBot/1.0", "my-crawler").</summary>
    public const string GenericWordPattern = @"[A-Za-z0-9_.-]*(?:bot|crawler|spider|scraper|crawl|fetcher)\b";

    /// <summary>Real devices and products whose names end like a robot's.</summary>
    public static readonly HashSet<string> NotBots = new(StringComparer.OrdinalIgnoreCase)
        { "Cubot", "CUBOT", "Robot", "Abbot" };
}
