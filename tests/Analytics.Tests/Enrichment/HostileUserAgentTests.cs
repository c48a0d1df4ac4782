using Analytics.Enrichment.Bots;
using Analytics.Enrichment.UserAgents;
using Xunit;

namespace Analytics.Tests.Enrichment;

/// <summary>User agents built to cost the service time: cut, cached by their analysed prefix, under a time budget.</summary>
public class HostileUserAgentTests
{
    private static readonly UserAgentAnalyzer Analyzer = new(UserAgentParser.CreateDefault());

    [Fact]
    public void A_bot_pattern_timeout_answers_bot_instead_of_throwing()
    {
        // A long enough run of word characters keeps the generic "…bot" pattern busy past its 100 ms timeout.
        var pathological = new string('a', 20_000_000);
        Assert.True(BotDetector.IsBotUserAgent(pathological, ParsedUserAgent.Unknown));
    }

    [Fact]
    public void A_parse_stops_at_its_budget_and_answers_Other()
    {
        var parser = UserAgentParser.CreateDefault(budget: TimeSpan.FromTicks(1));
        var parsed = parser.Parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36");
        Assert.Equal("Other", parsed.Browser.Family);
        Assert.Equal(1, parser.OverBudget);
    }

    [Fact]
    public void Only_the_first_512_characters_are_analysed_and_cached()
    {
        var analyzer = new UserAgentAnalyzer(UserAgentParser.CreateDefault());
        const string chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
        var padded = chrome + " " + new string('x', UserAgentParser.MaxLength);
        var first = analyzer.Analyze(padded + "tail-1");
        var second = analyzer.Analyze(padded + "tail-2 Googlebot/2.1");
        Assert.Equal("Chrome", first.Browser);
        Assert.Same(first, second); // one cache entry for one analysed prefix
        Assert.Equal(1, analyzer.CachedCount);
    }

    [Fact]
    public void A_long_user_agent_of_a_browser_still_parses()
    {
        var ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1 "
                 + string.Concat(Enumerable.Repeat("Extension/1.0 ", 100));
        var details = Analyzer.Analyze(ua);
        Assert.Equal("Mobile Safari", details.Browser);
        Assert.Equal(DeviceType.Mobile, details.Device);
        Assert.False(details.IsBot);
    }
}
