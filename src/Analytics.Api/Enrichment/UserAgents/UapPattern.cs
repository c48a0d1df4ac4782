using System.Text.RegularExpressions;

namespace Analytics.Enrichment.UserAgents;

/// <summary>One `regex` of regexes.yaml, built on first use.</summary>
/// <remarks>
/// Building ~1200 regexes up front costs start-up time that most of them never repay: the parser stops at
/// the first match, so the rules near the end of each list are rarely reached. Building lazily spreads the
/// cost over the first parses. Two threads may race to build the same regex; both results are equal, so the
/// loser's copy is simply dropped.
/// </remarks>
internal sealed class UapPattern(string pattern, bool ignoreCase, RegexOptions engine, TimeSpan matchTimeout)
{
    // A user agent is attacker-controlled input; uap-core keeps its quantifiers bounded, the timeout (the parser's
    // whole budget, see UserAgentParser) is the second line of defence against a pathological regex/input pair.
    private Regex? regex;

    public string Pattern { get; } = pattern;

    public Regex Regex => Volatile.Read(ref regex) ?? Build();

    /// <summary>
    /// A match that ran out of time counts as no match: the user agent falls through to the next rule (or "Other")
    /// instead of failing the event. On a loaded 2-core machine even a benign pattern can take a while cold.
    /// </summary>
    public Match Match(string input)
    {
        try
        {
            return Regex.Match(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return System.Text.RegularExpressions.Match.Empty;
        }
    }

    private Regex Build()
    {
        var options = engine | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : 0);
        var built = new Regex(Pattern, options, matchTimeout);
        return Interlocked.CompareExchange(ref regex, built, null) ?? built;
    }
}
