using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Analytics.Enrichment.UserAgents;

/// <summary>The uap-core parsing algorithm over regexes.yaml (no cache; see <see cref="UserAgentAnalyzer"/>).</summary>
/// <remarks>
/// Per list, the rules are tried in file order and the first match wins; matching is unanchored and case
/// sensitive unless the rule says `regex_flag: 'i'`. Without a match the family is "Other".
/// A user agent is attacker-controlled: only its first <see cref="MaxLength"/> characters are parsed, and a
/// whole parse has a time budget; what is left of the lists when the budget is spent answers "Other".
/// </remarks>
public sealed class UserAgentParser
{
    /// <summary>
    /// User agents are cut to this length before matching. The cost of a parse grows with the length (most of the
    /// ~1 200 rules are unanchored); real user agents are shorter (uap-core's longest test case has 492 characters).
    /// </summary>
    public const int MaxLength = 512;

    /// <summary>
    /// Wall time a whole parse (browser, OS and device lists) may take; also each regex's match timeout. Far above a
    /// real parse (about 1 ms), because wall time also runs while a busy machine gives the thread no core.
    /// </summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(1);

    private readonly UapRegexes rules;
    private readonly long budgetTicks;
    private volatile bool built;

    internal UserAgentParser(UapRegexes rules, TimeSpan? budget = null)
    {
        this.rules = rules;
        budgetTicks = (long)((budget ?? DefaultBudget).TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>A parser over the embedded uap-core 0.18.0 regexes.</summary>
    /// <param name="engine">
    /// <see cref="RegexOptions.None"/> (the interpreter, default: cheapest to build, fine behind the cache) or
    /// <see cref="RegexOptions.Compiled"/> (faster cold parses after a much slower first use of each rule).
    /// </param>
    /// <param name="budget">The time budget of one parse (<see cref="DefaultBudget"/> when null).</param>
    public static UserAgentParser CreateDefault(RegexOptions engine = RegexOptions.None, TimeSpan? budget = null) =>
        new(UapRegexes.LoadEmbedded(engine, budget ?? DefaultBudget), budget);

    /// <summary>Parses that ran out of their budget, since start (each answered "Other" for the lists not reached).</summary>
    public long OverBudget => Interlocked.Read(ref overBudget);
    private long overBudget;

    public ParsedUserAgent Parse(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return ParsedUserAgent.Unknown;
        var ua = userAgent.Length > MaxLength ? userAgent[..MaxLength] : userAgent;
        if (!built) BuildAll(); // building the rules is not the parse's time
        var deadline = Stopwatch.GetTimestamp() + budgetTicks;
        var parsed = new ParsedUserAgent(ParseBrowser(ua, deadline), ParseOs(ua, deadline), ParseDevice(ua, deadline));
        if (Stopwatch.GetTimestamp() > deadline) Interlocked.Increment(ref overBudget);
        return parsed;
    }

    public BrowserInfo ParseBrowser(string userAgent) => ParseBrowser(userAgent, Stopwatch.GetTimestamp() + budgetTicks);
    public OsInfo ParseOs(string userAgent) => ParseOs(userAgent, Stopwatch.GetTimestamp() + budgetTicks);
    public DeviceInfo ParseDevice(string userAgent) => ParseDevice(userAgent, Stopwatch.GetTimestamp() + budgetTicks);

    private BrowserInfo ParseBrowser(string userAgent, long deadline)
    {
        var list = rules.Browsers;
        for (var i = 0; i < list.Count && !Spent(i, deadline); i++)
        {
            var m = list[i].Pattern.Match(userAgent);
            if (m.Success) return list[i].Resolve(m);
        }
        return BrowserInfo.Other;
    }

    private OsInfo ParseOs(string userAgent, long deadline)
    {
        var list = rules.Systems;
        for (var i = 0; i < list.Count && !Spent(i, deadline); i++)
        {
            var m = list[i].Pattern.Match(userAgent);
            if (m.Success) return list[i].Resolve(m);
        }
        return OsInfo.Other;
    }

    private DeviceInfo ParseDevice(string userAgent, long deadline)
    {
        var list = rules.Devices;
        for (var i = 0; i < list.Count && !Spent(i, deadline); i++)
        {
            var m = list[i].Pattern.Match(userAgent);
            if (m.Success) return list[i].Resolve(m);
        }
        return DeviceInfo.Other;
    }

    // The clock is read every 16 rules: a rule costs microseconds, a clock read tens of nanoseconds.
    private static bool Spent(int rule, long deadline) => (rule & 15) == 0 && Stopwatch.GetTimestamp() > deadline;

    /// <summary>Builds every rule now, e.g. at start-up when the first requests must not pay for it.</summary>
    public void BuildAll()
    {
        foreach (var rule in rules.Browsers) _ = rule.Pattern.Regex;
        foreach (var rule in rules.Systems) _ = rule.Pattern.Regex;
        foreach (var rule in rules.Devices) _ = rule.Pattern.Regex;
        built = true;
    }
}
