using System.Text.RegularExpressions;

namespace Analytics.Enrichment.UserAgents;

/// <summary>The uap-core parsing algorithm over regexes.yaml (no cache; see <see cref="UserAgentAnalyzer"/>).</summary>
/// <remarks>
/// Per list, the rules are tried in file order and the first match wins; matching is unanchored and case
/// sensitive unless the rule says `regex_flag: 'i'`. Without a match the family is "Other".
/// </remarks>
public sealed class UserAgentParser
{
    /// <summary>User agents are cut to this length before matching; real ones are far shorter.</summary>
    public const int MaxLength = 1024;

    private readonly UapRegexes rules;

    internal UserAgentParser(UapRegexes rules) => this.rules = rules;

    /// <summary>A parser over the embedded uap-core 0.18.0 regexes.</summary>
    /// <param name="engine">
    /// <see cref="RegexOptions.None"/> (the interpreter, default: cheapest to build, fine behind the cache) or
    /// <see cref="RegexOptions.Compiled"/> (faster cold parses after a much slower first use of each rule).
    /// </param>
    public static UserAgentParser CreateDefault(RegexOptions engine = RegexOptions.None) =>
        new(UapRegexes.LoadEmbedded(engine));

    public ParsedUserAgent Parse(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return ParsedUserAgent.Unknown;
        var ua = userAgent.Length > MaxLength ? userAgent[..MaxLength] : userAgent;
        return new ParsedUserAgent(ParseBrowser(ua), ParseOs(ua), ParseDevice(ua));
    }

    public BrowserInfo ParseBrowser(string userAgent)
    {
        foreach (var rule in rules.Browsers)
        {
            var m = rule.Pattern.Match(userAgent);
            if (m.Success) return rule.Resolve(m);
        }
        return BrowserInfo.Other;
    }

    public OsInfo ParseOs(string userAgent)
    {
        foreach (var rule in rules.Systems)
        {
            var m = rule.Pattern.Match(userAgent);
            if (m.Success) return rule.Resolve(m);
        }
        return OsInfo.Other;
    }

    public DeviceInfo ParseDevice(string userAgent)
    {
        foreach (var rule in rules.Devices)
        {
            var m = rule.Pattern.Match(userAgent);
            if (m.Success) return rule.Resolve(m);
        }
        return DeviceInfo.Other;
    }

    /// <summary>Builds every rule now, e.g. at start-up when the first requests must not pay for it.</summary>
    public void BuildAll()
    {
        foreach (var rule in rules.Browsers) _ = rule.Pattern.Regex;
        foreach (var rule in rules.Systems) _ = rule.Pattern.Regex;
        foreach (var rule in rules.Devices) _ = rule.Pattern.Regex;
    }
}
