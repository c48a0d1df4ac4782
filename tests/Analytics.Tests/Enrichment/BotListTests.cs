using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Enrichment.Bots;
using Analytics.Enrichment.UserAgents;
using Xunit;
using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

/// <summary>
/// The bot flag against the maintained crawler list's own examples (crawler-user-agents 1.60.0) and against
/// the browsers among uap-core's conformance cases.
/// </summary>
public class BotListTests(ITestOutputHelper output)
{
    private static readonly Lazy<UserAgentParser> Parser = new(() => UserAgentParser.CreateDefault());

    private static bool IsBot(string userAgent) => BotDetector.IsBotUserAgent(userAgent, Parser.Value.Parse(userAgent));

    [Fact]
    public void The_vendored_crawler_list_is_the_pinned_package_file() =>
        Assert.Equal(CrawlerList.Sha256, CrawlerList.ComputeSha256());

    [Fact]
    public void Every_pattern_of_the_list_compiles_as_a_dotnet_regex()
    {
        Assert.True(CrawlerList.All.Count > 1000, $"only {CrawlerList.All.Count} patterns");
        var failures = new List<string>();
        foreach (var entry in CrawlerList.All)
        {
            try { _ = new Regex(entry.Pattern, RegexOptions.CultureInvariant); }
            catch (ArgumentException e) { failures.Add($"{entry.Pattern}: {e.Message}"); }
        }
        Assert.Empty(failures);
        var (plain, regex) = CrawlerList.Shape;
        output.WriteLine($"{CrawlerList.All.Count} patterns: {plain} matched as plain text, {regex} as one regex");
    }

    [Fact]
    public void Plain_text_patterns_are_read_as_the_text_they_match()
    {
        Assert.Equal("Googlebot/", CrawlerList.AsPlainText(@"Googlebot\/"));
        Assert.Equal("Yahoo! Slurp", CrawlerList.AsPlainText("Yahoo! Slurp"));
        Assert.Equal("archive.org_bot", CrawlerList.AsPlainText(@"archive\.org_bot"));
        Assert.Null(CrawlerList.AsPlainText("^curl"));
        Assert.Null(CrawlerList.AsPlainText("[wW]get"));
        Assert.Null(CrawlerList.AsPlainText(@"BlogTraffic\/\d\.\d+ Feed-Fetcher"));
        Assert.Null(CrawlerList.AsPlainText("Netumo|netumo"));
        Assert.Null(CrawlerList.AsPlainText("SSL Labs$"));
    }

    [Fact]
    public void Every_example_user_agent_of_the_crawler_list_is_flagged()
    {
        var examples = CrawlerList.All.SelectMany(e => e.Instances ?? []).Distinct().ToList();
        var missed = examples.Where(ua => !IsBot(ua)).ToList();
        var rate = 1 - (double)missed.Count / examples.Count;
        output.WriteLine($"crawler-user-agents examples flagged as bots: {examples.Count - missed.Count}/{examples.Count} = {rate:P2}");
        foreach (var ua in missed) output.WriteLine("  not flagged: " + ua);

        // Only the examples of the patterns left out as browser lookalikes may pass unflagged.
        var lookalikeExamples = CrawlerList.All.Where(e => CrawlerList.BrowserLookalikes.ContainsKey(e.Pattern))
            .SelectMany(e => e.Instances ?? []).ToHashSet();
        Assert.All(missed, ua => Assert.Contains(ua, lookalikeExamples));
    }

    [Fact]
    public void Each_browser_lookalike_is_still_in_the_list_and_matches_its_browser()
    {
        var patterns = CrawlerList.All.Select(e => e.Pattern).ToHashSet();
        foreach (var pattern in CrawlerList.BrowserLookalikes.Keys)
            Assert.True(patterns.Contains(pattern), $"'{pattern}' is no longer in the list: remove it from BrowserLookalikes");

        string[] browsers =
        [
            "Mozilla/5.0 (Linux; Android 15; CPH2557 Build/AP3A.240617.008; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/142.0.7444.142 Mobile Safari/537.36",
            "Mozilla/5.0 (Linux; Android 15; RMX3890 Build/AP3A.240617.008) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 MetaIAB Facebook",
            "Opera/9.80 (MAUI Runtime; Opera Mini/4.4.39008/37.9178; U; en) Presto/2.12.423 Version/12.16",
            "Mozilla/5.0 (iPad; U; CPU iPhone OS 7_0 like Mac OS X; de-DE) WIRED/3.2.3.11.87970",
        ];
        foreach (var ua in browsers) Assert.False(IsBot(ua), ua);
    }

    [Fact]
    public void The_hand_written_supplement_holds_only_what_the_list_does_not_name()
    {
        foreach (var token in BotPatterns.Tokens)
            Assert.False(CrawlerList.IsMatch(token), $"the crawler list now names '{token}': drop it from BotPatterns.Tokens");
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")]
    [InlineData("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)")]
    [InlineData("curl/8.5.0")]
    [InlineData("Wget/1.21.4")]
    [InlineData("python-requests/2.31.0")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36")]
    [InlineData("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)")]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GoogleOther) Chrome/124.0.6367.201 Safari/537.36")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; Storebot-Google/1.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36")]
    [InlineData("FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)")]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)")]
    [InlineData("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)")]
    [InlineData("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)")]
    [InlineData("DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)")]
    [InlineData("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)")]
    [InlineData("Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)")]
    [InlineData("Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)")]
    [InlineData("Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)")]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)")]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 (compatible; Amazonbot/0.1; +https://developer.amazon.com/support/amazonbot)")]
    [InlineData("meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)")]
    [InlineData("CCBot/2.0 (https://commoncrawl.org/faq/)")]
    [InlineData("Mozilla/5.0 (compatible; DataForSeoBot/1.0; +https://dataforseo.com/dataforseo-bot)")]
    [InlineData("Mozilla/5.0 (compatible; BLEXBot/1.0; +http://webmeup-crawler.com/)")]
    [InlineData("Mozilla/5.0 (compatible; SeekportBot; +https://bot.seekport.com)")]
    [InlineData("Mozilla/5.0 (compatible; Barkrowler/0.9; +https://babbar.tech/crawler)")]
    [InlineData("Mozilla/5.0 (compatible; ImagesiftBot; +imagesift.com)")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 (compatible; Screaming Frog SEO Spider/19.8)")]
    [InlineData("Twitterbot/1.0")]
    [InlineData("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")]
    [InlineData("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)")]
    [InlineData("TelegramBot (like TwitterBot)")]
    [InlineData("WhatsApp/2.23.20.0 A")]
    [InlineData("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)")]
    [InlineData("Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com")]
    [InlineData("Mozilla/5.0 (compatible; Qwantify/Bleriot/1.1; +https://help.qwant.com/bot)")]
    [InlineData("Mozilla/5.0 (compatible; SemrushBot-BA; +http://www.semrush.com/bot.html)")]
    [InlineData("Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)")]
    [InlineData("Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)")]
    [InlineData("Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot)")]
    [InlineData("Mozilla/5.0 (compatible; Chrome-Lighthouse) AppleWebKit/537.36")]
    [InlineData("Go-http-client/2.0")]
    [InlineData("Apache-HttpClient/4.5.14 (Java/17.0.8)")]
    [InlineData("okhttp/4.12.0")]
    [InlineData("node-fetch/1.0 (+https://github.com/bitinn/node-fetch)")]
    [InlineData("axios/1.6.8")]
    [InlineData("Scrapy/2.11.1 (+https://scrapy.org)")]
    public void Crawlers_and_scripts_are_flagged(string userAgent) => Assert.True(IsBot(userAgent), userAgent);

    [Theory]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/de_DE;FBOP/5;FBRV/0]")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/462.0.0.38.109;]")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 327.0.0.28.90 (iPhone15,2; iOS 17_4; de_DE; de; scale=3.00; 1179x2556; 590071244)")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.6312.118 Mobile Safari/537.36 Instagram 325.0.0.35.91 Android (33/13; 420dpi; 1080x2400; Google/google; Pixel 7; panther; panther; de_DE; 584133235)")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_34.1.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/de Region/DE ByteFullLocale/de-DE isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/13.10.0.44 (like Safari/8617.2.4.10.8, panda)")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.7396")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/10.38")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.5.0")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; V2111 Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/311.0.622521636 Mobile/15E148 Safari/604.1")]
    [InlineData("Mozilla/5.0 (Linux; U; Android 12; en-US; SM-A125F Build/SP1A.210812.016) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/13.6.0.1315 Mobile Safari/537.36")]
    [InlineData("Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 DuckDuckGo/7 Mobile/15E148 Safari/605.1.15")]
    [InlineData("Mozilla/5.0 (SMART-TV; Linux; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/6.0 Chrome/94.0.4606.31 TV Safari/537.36")]
    [InlineData("Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)")]
    [InlineData("Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.1.1 like Chrome/124.0.6367.82 Safari/537.36")]
    public void Peoples_browsers_and_in_app_browsers_are_not_flagged(string userAgent) => Assert.False(IsBot(userAgent), userAgent);

    /// <summary>
    /// uap-core's cases hold people's browsers and apps, and also crawlers, HTTP libraries, monitors and scanners
    /// that its Spider rule does not catch. Those are robots and rightly flagged: the ones whose expected family
    /// ends like a robot's name ("RackspaceBot", "PHPCrawl", "moba-crawler") and the ones named here.
    /// </summary>
    private static readonly string[] AutomationFamilies =
    [
        "HeadlessChrome", "PhantomJS", "OpenVAS Scanner", "PingdomBot", "HTTrack", "Python-urllib", "Python Requests",
        "curl", "Wget", "okhttp", "Apache-HttpClient", "Go-http-client", "aiohttp", "axios", "got", "HTTPie",
        "libwww-perl", "Java", "Jersey", "AHC", "Scrapy", "Rackspace Monitoring", "Site24x7", "Catchpoint", "Monitis",
        "Mediapartners-Google", "GoogleImageProxy", "Feedbin", "Tiny Tiny RSS", "aws-sdk-java", "Google-HTTP-Java-Client",
        "WebPageTest.org bot", "Yottaa", "GmailImageProxy", "Web-sniffer", "PHPCrawl", "SSL-Crawler", "mobile crawler",
        "wget2", "msnbot", "reqwest", "Python aiohttp", "aws-sdk-ruby2", "HTTPClient", "http.rb", "GuzzleHttp",
        "PostmanRuntime", "DAVdroid",
    ];

    [Fact]
    public void Fewer_than_one_percent_of_uap_cores_browsers_are_flagged()
    {
        var path = SharedData.Require("uap-core/cases.json", output);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var cases = json.RootElement.GetProperty("ua").EnumerateArray()
            .Select(e => (Ua: e.GetProperty("ua").GetString()!, Family: e.GetProperty("family").GetString()!))
            .DistinctBy(c => c.Ua).ToList();

        var notSpiders = cases.Where(c => !Parser.Value.Parse(c.Ua).Device.IsSpider).ToList();
        var robotName = new Regex("(bot|crawl|crawler|spider)$", RegexOptions.IgnoreCase);
        var browsers = notSpiders.Where(c => !robotName.IsMatch(c.Family)
                                             && !AutomationFamilies.Contains(c.Family, StringComparer.OrdinalIgnoreCase)).ToList();
        var flagged = browsers.Where(c => IsBot(c.Ua)).ToList();
        var rate = (double)flagged.Count / browsers.Count;
        output.WriteLine($"uap-core cases: {cases.Count}, not Spider: {notSpiders.Count}, of which browsers and apps: " +
                         $"{browsers.Count}; flagged as bots: {flagged.Count} = {rate:P2}");
        foreach (var c in flagged) output.WriteLine($"  flagged [{c.Family}] {c.Ua}");
        foreach (var c in notSpiders.Except(browsers).Where(c => !IsBot(c.Ua)))
            output.WriteLine($"  automation not flagged [{c.Family}] {c.Ua}");
        Assert.True(rate < 0.01, $"{rate:P2} of uap-core's browsers are flagged as bots");
    }
}
