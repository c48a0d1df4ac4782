namespace Analytics.Enrichment.Bots;

/// <summary>
/// User-agent substrings (case-insensitive) of automated clients that uap-core does not call "Spider":
/// headless browsers and automation, performance and uptime monitors, HTTP libraries and command-line tools,
/// AI crawlers and link-preview fetchers. Maintained by hand: add a token when a bot shows up in reports.
/// </summary>
internal static class BotPatterns
{
    public static readonly string[] Tokens =
    [
        // Headless browsers and browser automation
        "HeadlessChrome", "Headless", "PhantomJS", "SlimerJS", "Puppeteer", "Playwright", "Selenium", "WebDriver",
        "Nightmare", "Cypress", "jsdom",
        // Performance, SEO and uptime monitoring
        "Lighthouse", "PTST/", "GTmetrix", "PageSpeed", "Pingdom", "UptimeRobot", "StatusCake", "Site24x7",
        "Datadog", "NewRelicPinger", "Uptime-Kuma", "Better Uptime", "BetterStack", "Checkly", "Catchpoint",
        "RuxitSynthetic", "Zabbix", "Nagios", "check_http", "Monitis", "Screaming Frog", "SEOkicks", "Siteimprove",
        "AhrefsBot", "SemrushBot", "MJ12bot", "DotBot", "Sitebulb",
        // HTTP libraries and command-line clients
        "python-requests", "python-urllib", "python-httpx", "aiohttp", "curl/", "Wget", "Go-http-client",
        "okhttp", "Java/", "Apache-HttpClient", "libwww-perl", "LWP::Simple", "node-fetch", "axios/", "undici",
        "GuzzleHttp", "PostmanRuntime", "insomnia", "HTTPie", "Faraday", "Ruby", "RestSharp", "Dart/",
        "reqwest", "Scrapy", "Mechanize", "WinHttp", "PowerShell", "http.rb", "colly", "Typhoeus", "Deno/",
        "Bun/", "httpclient", "fasthttp",
        // AI crawlers and assistants fetching pages
        "GPTBot", "ChatGPT-User", "OAI-SearchBot", "ClaudeBot", "Claude-Web", "anthropic-ai", "PerplexityBot",
        "Perplexity-User", "Bytespider", "CCBot", "Google-Extended", "Amazonbot", "Applebot", "cohere-ai",
        "Diffbot", "YouBot", "meta-externalagent",
        // Link previews and feed readers
        "facebookexternalhit", "facebookcatalog", "Slackbot", "Discordbot", "TelegramBot", "WhatsApp", "Twitterbot",
        "LinkedInBot", "Embedly", "Iframely", "redditbot", "SkypeUriPreview", "Feedly", "Feedfetcher", "Inoreader",
        "NewsBlur",
        // Search engine crawlers uap-core may name otherwise
        "Googlebot", "Google-InspectionTool", "Storebot-Google", "AdsBot-Google", "Mediapartners-Google",
        "bingbot", "BingPreview", "YandexBot", "Baiduspider", "DuckDuckBot", "Exabot", "SeznamBot",
        "PetalBot", "Qwantify", "archive.org_bot", "ia_archiver",
    ];

    /// <summary>Word endings that mark a self-declared robot ("ExampleBot/1.0", "my-crawler").</summary>
    public const string GenericWordPattern = @"[A-Za-z0-9_.-]*(?:bot|crawler|spider|scraper|crawl|fetcher)\b";

    /// <summary>Real devices and products whose names end like a robot's.</summary>
    public static readonly HashSet<string> NotBots = new(StringComparer.OrdinalIgnoreCase)
        { "Cubot", "CUBOT", "Robot", "Abbot" };
}
