using Analytics.Enrichment.UserAgents;
using Xunit;

namespace Analytics.Tests.Enrichment;

/// <summary>Device classes, bot flags and client-hint refinements over the real uap-core regexes.</summary>
public class UserAgentAnalyzerTests
{
    private static readonly UserAgentAnalyzer Analyzer = new(UserAgentParser.CreateDefault());

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", DeviceType.Desktop)]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", DeviceType.Desktop)]
    [InlineData("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", DeviceType.Desktop)]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", DeviceType.Desktop)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", DeviceType.Mobile)]
    [InlineData("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", DeviceType.Mobile)]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", DeviceType.Mobile)]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", DeviceType.Tablet)]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", DeviceType.Tablet)]
    [InlineData("Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0.6367.179 Safari/537.36", DeviceType.Tablet)]
    [InlineData("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36", DeviceType.Other)]
    [InlineData("Mozilla/5.0 (PlayStation; PlayStation 5/6.50) AppleWebKit/605.1.15 (KHTML, like Gecko)", DeviceType.Other)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edge/44.18363.8131", DeviceType.Other)]
    [InlineData("Mozilla/5.0 (Linux; Android 13; CUBOT NOTE 40) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", DeviceType.Mobile)]
    public void Device_class_follows_the_user_agent(string userAgent, DeviceType expected)
    {
        var details = Analyzer.Analyze(userAgent);
        Assert.Equal(expected, details.Device);
        Assert.False(details.IsBot);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")] // uap-core Spider
    [InlineData("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36")]
    [InlineData("Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1")]
    [InlineData("Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse")]
    [InlineData("python-requests/2.31.0")]
    [InlineData("curl/8.5.0")]
    [InlineData("Go-http-client/1.1")]
    [InlineData("Wget/1.21.4")]
    [InlineData("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)")]
    [InlineData("UptimeRobot/2.0 (http://www.uptimerobot.com/)")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")]
    [InlineData("AcmeInternalCrawler/0.1")]
    [InlineData("")]
    public void Robots_are_flagged_and_classed_bot(string userAgent)
    {
        var details = Analyzer.Analyze(userAgent);
        Assert.True(details.IsBot);
        Assert.Equal(DeviceType.Bot, details.Device);
    }

    [Fact]
    public void Windows_11_is_told_apart_by_the_platform_version_hint()
    {
        const string ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
        Assert.Equal("10", Analyzer.Analyze(ua).OsVersion);
        Assert.Equal("10", Analyzer.Analyze(ua, new ClientHints(Platform: "\"Windows\"", PlatformVersion: "\"10.0.0\"")).OsVersion);
        Assert.Equal("11", Analyzer.Analyze(ua, new ClientHints(Platform: "\"Windows\"", PlatformVersion: "\"15.0.0\"")).OsVersion);
        Assert.Equal("11", Analyzer.Analyze(ua, new ClientHints(Platform: "\"Windows\"", PlatformVersion: "\"13.0.0\"")).OsVersion);
    }

    [Fact]
    public void MacOs_and_Android_versions_come_from_the_hint_when_the_string_is_frozen()
    {
        var mac = Analyzer.Analyze(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            new ClientHints(Platform: "\"macOS\"", PlatformVersion: "\"14.4.1\""));
        Assert.Equal(("Mac OS X", "14"), (mac.Os, mac.OsVersion));

        var android = Analyzer.Analyze(
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
            new ClientHints(Mobile: "?1", Platform: "\"Android\"", PlatformVersion: "\"14.0.0\""));
        Assert.Equal(("Android", "14", DeviceType.Mobile), (android.Os, android.OsVersion, android.Device));
    }

    [Fact]
    public void Mobile_hint_marks_a_desktop_looking_string_as_mobile()
    {
        const string ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
        Assert.Equal(DeviceType.Desktop, Analyzer.Analyze(ua, new ClientHints(Mobile: "?0")).Device);
        Assert.Equal(DeviceType.Mobile, Analyzer.Analyze(ua, new ClientHints(Mobile: "?1")).Device);
    }

    [Fact]
    public void Hints_that_change_nothing_return_the_cached_details_itself()
    {
        const string ua = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
        var plain = Analyzer.Analyze(ua);
        Assert.Same(plain, Analyzer.Analyze(ua));
        Assert.Same(plain, Analyzer.Analyze(ua, new ClientHints(Mobile: "?0", Platform: "\"Linux\"")));
    }

    [Fact]
    public void Bounded_cache_stays_near_its_capacity()
    {
        var small = new UserAgentAnalyzer(UserAgentParser.CreateDefault(), cacheSize: 50);
        for (var i = 0; i < 500; i++) small.Analyze($"TestAgent/{i}.0 (X11; Linux x86_64)");
        Assert.InRange(small.CachedCount, 1, 50);
    }
}
