using System.Text;
using System.Text.RegularExpressions;
using Analytics.Enrichment.UserAgents;
using Xunit;

namespace Analytics.Tests.Enrichment;

/// <summary>The uap-core specification's rules, each on a tiny regexes.yaml written for the case.</summary>
public class UserAgentParserTests
{
    private static UserAgentParser ParserOf(string yaml) =>
        new(UapRegexes.Load(new MemoryStream(Encoding.UTF8.GetBytes(yaml)), RegexOptions.None));

    private const string Empty = "user_agent_parsers: []\nos_parsers: []\ndevice_parsers: []\n";

    [Fact]
    public void Family_replacement_inserts_group_1_and_versions_come_from_groups_2_to_4()
    {
        var parser = ParserOf("""
            user_agent_parsers:
              - regex: '(Namoroka|Shiretoko|Minefield)/(\d+)\.(\d+)\.(\d+(?:pre)?)'
                family_replacement: 'Firefox ($1)'
            os_parsers: []
            device_parsers: []
            """);

        var browser = parser.ParseBrowser("Mozilla/5.0 (Windows; Windows NT 5.1; rv:2.0b3pre) Gecko/20100727 Minefield/4.0.1pre");

        Assert.Equal(new BrowserInfo("Firefox (Minefield)", "4", "0", "1pre"), browser);
    }

    [Fact]
    public void Version_replacements_override_groups_and_may_use_placeholders()
    {
        var parser = ParserOf("""
            user_agent_parsers:
              - regex: 'Foo/(\d+)\.(\d+)'
                family_replacement: 'Foo'
                v1_replacement: 'v$1'
                v2_replacement: '$2'
            os_parsers:
              - regex: 'Win(95|98|3.1|NT|ME|2000)'
                os_replacement: 'Windows $1'
            device_parsers: []
            """);

        Assert.Equal(new BrowserInfo("Foo", "v7", "3", null), parser.ParseBrowser("Foo/7.3"));
        Assert.Equal("Windows 95", parser.ParseOs("Mozilla/5.0 (Windows; U; Win95; en-US; rv:1.1) Gecko/20020826").Family);
    }

    [Fact]
    public void Nested_groups_are_numbered_by_their_opening_parenthesis()
    {
        var parser = ParserOf("""
            user_agent_parsers:
              - regex: '((Foo)Bar)/(\d+)(?:\.(\d+))?'
            os_parsers: []
            device_parsers: []
            """);

        // Group 1 = "FooBar", 2 = "Foo", 3 = "9"; non-capturing groups do not count.
        Assert.Equal(new BrowserInfo("FooBar", "Foo", "9", null), parser.ParseBrowser("FooBar/9"));
    }

    [Fact]
    public void Groups_that_did_not_match_give_no_version_and_empty_placeholders()
    {
        var parser = ParserOf("""
            user_agent_parsers:
              - regex: '(Bar)(?:/(\d+))?(?:\.(\d+))?'
            os_parsers: []
            device_parsers:
              - regex: '(Acme)(?: ([A-Z]\d+))?'
                device_replacement: '$1 $2'
                brand_replacement: '$1'
                model_replacement: '$2 $7'
            """);

        Assert.Equal(new BrowserInfo("Bar", null, null, null), parser.ParseBrowser("Bar"));
        Assert.Equal(new BrowserInfo("Bar", "3", null, null), parser.ParseBrowser("Bar/3"));
        // "$1 $2" with $2 unmatched → "Acme " → trimmed; "$2 $7" (no group 7) → blank → no model.
        Assert.Equal(new DeviceInfo("Acme", "Acme", null), parser.ParseDevice("Acme"));
        Assert.Equal(new DeviceInfo("Acme X1", "Acme", "X1"), parser.ParseDevice("Acme X1"));
    }

    [Fact]
    public void Regex_flag_i_makes_only_that_rule_case_insensitive()
    {
        var parser = ParserOf("""
            user_agent_parsers: []
            os_parsers: []
            device_parsers:
              - regex: 'gadget (\w+)'
                device_replacement: 'Gadget $1'
              - regex: 'widget (\w+)'
                regex_flag: 'i'
                device_replacement: 'Widget $1'
            """);

        Assert.Equal("Other", parser.ParseDevice("GADGET X").Family);
        Assert.Equal("Gadget x", parser.ParseDevice("gadget x").Family);
        Assert.Equal("Widget X", parser.ParseDevice("WIDGET X").Family);
    }

    [Fact]
    public void Device_without_replacements_takes_family_and_model_from_group_1_and_has_no_brand()
    {
        var parser = ParserOf("""
            user_agent_parsers: []
            os_parsers: []
            device_parsers:
              - regex: '; *(PEDI)_(PLUS)_(W) Build'
                device_replacement: 'Odys $1 $2 $3'
                brand_replacement: 'Odys'
                model_replacement: '$1 $2 $3'
              - regex: '\((Kindle)'
            """);

        Assert.Equal(new DeviceInfo("Odys PEDI PLUS W", "Odys", "PEDI PLUS W"),
            parser.ParseDevice("Mozilla/5.0 (Linux; U; Android 4.2.2; de-de; PEDI_PLUS_W Build/JDQ39) AppleWebKit/534.30"));
        Assert.Equal(new DeviceInfo("Kindle", null, "Kindle"), parser.ParseDevice("Mozilla/5.0 (Kindle; x)"));
    }

    [Fact]
    public void First_matching_rule_wins_and_no_match_is_Other()
    {
        var parser = ParserOf("""
            user_agent_parsers:
              - regex: '(Alpha)/(\d+)'
              - regex: '(Alpha|Beta)/(\d+)'
                family_replacement: 'Second $1'
            os_parsers: []
            device_parsers: []
            """);

        Assert.Equal("Alpha", parser.ParseBrowser("Alpha/1").Family);
        Assert.Equal("Second Beta", parser.ParseBrowser("x Beta/2").Family); // unanchored
        Assert.Equal(BrowserInfo.Other, parser.ParseBrowser("Gamma/3"));
        Assert.Equal(ParsedUserAgent.Unknown, ParserOf(Empty).Parse("anything"));
    }

    [Fact]
    public void A_replacement_that_comes_out_empty_does_not_fall_back_to_the_group()
    {
        var parser = ParserOf("""
            user_agent_parsers: []
            os_parsers: []
            device_parsers:
              - regex: '(Thing)(?: (\d+))?'
                device_replacement: '$2'
            """);

        Assert.Equal("Other", parser.ParseDevice("Thing").Family);
        Assert.Equal("5", parser.ParseDevice("Thing 5").Family);
    }

    [Fact]
    public void The_embedded_regexes_parse_a_current_chrome_on_windows()
    {
        var parsed = UserAgentParser.CreateDefault().Parse(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36");

        Assert.Equal(new BrowserInfo("Chrome", "124", "0", "0"), parsed.Browser);
        Assert.Equal("Windows", parsed.Os.Family);
        Assert.Equal("10", parsed.Os.Major);
        Assert.Equal("Other", parsed.Device.Family);
    }
}
