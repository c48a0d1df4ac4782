using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Analytics.Enrichment.Bots;

/// <summary>
/// The maintained crawler list: the patterns of the npm package crawler-user-agents (MIT), vendored unchanged as
/// crawler-user-agents.json (see README.md beside it).
/// </summary>
/// <remarks>
/// The package validates every pattern against its example user agents case-sensitively, so they are matched
/// that way here: "Sonic" (a rank checker) must not match "Panasonic". A few patterns also match real
/// browsers; they are left out (<see cref="BrowserLookalikes"/>) and a test keeps each one honest.
/// Cost: 1 500 patterns as one regex took ~6 ms a browser user agent. Nearly all of them are plain text, so
/// those are searched at once with <see cref="SearchValues{T}"/> (one vectorised pass), and only the few
/// with regex syntax form a small regex.
/// </remarks>
public static class CrawlerList
{
    public const string PackageVersion = "1.60.0";

    /// <summary>sha256 of the vendored file, as printed by scripts/update-enrichment-data.sh.</summary>
    public const string Sha256 = "c36c67f2527f1a5340858d540c732ebbc3ec866cfc0c5717de82b22a1f8dc537";

    internal const string EmbeddedName = "Analytics.Enrichment.Bots.crawler-user-agents.json";

    /// <summary>A match takes microseconds; this bounds a hostile user agent, with room for a busy machine.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>Patterns of the list that match the user agents of people's browsers, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> BrowserLookalikes = new Dictionary<string, string>
    {
        [@"AP3A\.240617\.008"] = "an Android 15 build id shared by many OPPO, OnePlus and realme phones",
        ["MetaIAB Facebook"] = "Facebook's in-app browser, in which people open shared links",
        [@"008\/"] = "Opera Mini's build numbers (\"Opera Mini/4.4.39008/37.9178\")",
        [@"RED\/"] = "apps whose names end in RED (\"WIRED/3.2\")",
        ["Fluid"] = "Fluid, a macOS browser for single sites",
    };

    private static readonly Lazy<Entry[]> Entries = new(LoadEntries);
    private static readonly Lazy<Matcher> Combined = new(Build);

    /// <summary>Every entry of the vendored list, the browser lookalikes included.</summary>
    internal static IReadOnlyList<Entry> All => Entries.Value;

    /// <summary>True when a pattern of the list (less the lookalikes) occurs in <paramref name="userAgent"/>.</summary>
    /// <exception cref="RegexMatchTimeoutException">The match ran past <see cref="MatchTimeout"/>.</exception>
    public static bool IsMatch(string userAgent)
    {
        var matcher = Combined.Value;
        return userAgent.AsSpan().IndexOfAny(matcher.Texts) >= 0 || matcher.Rest.IsMatch(userAgent);
    }

    /// <summary>Builds the matcher now rather than on the first event.</summary>
    public static void Warm() => _ = Combined.Value;

    private static Matcher Build()
    {
        var texts = new List<string>();
        var rest = new List<string>();
        foreach (var entry in Entries.Value)
        {
            if (BrowserLookalikes.ContainsKey(entry.Pattern)) continue;
            if (AsPlainText(entry.Pattern) is { } text) texts.Add(text);
            else rest.Add(entry.Pattern);
        }
        // Each pattern grouped, so that its own '|' and anchors stay its own.
        var alternation = string.Join('|', rest.Select(p => "(?:" + p + ")"));
        var regex = new Regex(alternation, RegexOptions.Compiled | RegexOptions.CultureInvariant, MatchTimeout);
        try
        {
            regex.IsMatch("Mozilla/5.0"); // JIT-compiles the matcher here, not inside the first event's time budget
        }
        catch (RegexMatchTimeoutException)
        {
            // The JIT ran on a busy machine and used the budget; the matcher is compiled all the same.
        }
        return new Matcher(SearchValues.Create(texts.ToArray(), StringComparison.Ordinal), regex, texts.Count, rest.Count);
    }

    /// <summary>The text a pattern matches when it is plain text with escaped punctuation ("Googlebot\/"), else null.</summary>
    internal static string? AsPlainText(string pattern)
    {
        var text = new System.Text.StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 == pattern.Length || char.IsLetterOrDigit(pattern[i + 1])) return null; // \d, \s, \b …
                text.Append(pattern[++i]);
            }
            else if (".^$*+?()[]{}|".Contains(c)) return null;
            else text.Append(c);
        }
        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>How the list is matched: how many patterns as plain text, how many as regex.</summary>
    internal static (int PlainText, int Regex) Shape => (Combined.Value.TextCount, Combined.Value.RegexCount);

    private sealed record Matcher(SearchValues<string> Texts, Regex Rest, int TextCount, int RegexCount);

    private static Entry[] LoadEntries()
    {
        var bytes = ReadEmbedded();
        var entries = JsonSerializer.Deserialize<Entry[]>(bytes, JsonOptions)
                      ?? throw new InvalidDataException($"{EmbeddedName} holds no list.");
        return entries;
    }

    internal static byte[] ReadEmbedded()
    {
        using var stream = typeof(CrawlerList).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"Embedded resource {EmbeddedName} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    internal static string ComputeSha256() => Convert.ToHexStringLower(SHA256.HashData(ReadEmbedded()));

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>One entry of crawler-user-agents.json: a pattern and the package's example user agents for it.</summary>
    internal sealed record Entry(string Pattern, string[]? Instances, string[]? Tags);
}
