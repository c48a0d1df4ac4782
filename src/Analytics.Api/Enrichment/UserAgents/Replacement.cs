using System.Text;
using System.Text.RegularExpressions;

namespace Analytics.Enrichment.UserAgents;

/// <summary>A `*_replacement` template of regexes.yaml: literal text with `$1`…`$9` placeholders.</summary>
/// <remarks>
/// uap-core semantics: a placeholder whose group does not exist or did not take part in the match becomes
/// the empty string; the result is trimmed; an empty result means "no value".
/// </remarks>
internal sealed class Replacement
{
    private readonly string template;
    private readonly bool hasPlaceholders;

    public Replacement(string template)
    {
        this.template = template;
        hasPlaceholders = ContainsPlaceholder(template);
    }

    public string? Apply(Match match)
    {
        if (!hasPlaceholders) return NullIfEmpty(template.Trim());

        var text = new StringBuilder(template.Length + 16);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '$' && i + 1 < template.Length && template[i + 1] is >= '1' and <= '9')
            {
                var group = match.Groups[template[i + 1] - '0'];
                if (group.Success) text.Append(group.ValueSpan);
                i++;
                continue;
            }
            text.Append(c);
        }
        return NullIfEmpty(text.ToString().Trim());
    }

    /// <summary>
    /// The value of a field: its replacement when the rule has one (even if that comes out empty), else the
    /// capture group of the same position.
    /// </summary>
    public static string? Pick(Replacement? replacement, Match match, int group) =>
        replacement is null ? Group(match, group) : replacement.Apply(match);

    /// <summary>The value of a capture group, or null when it is absent, did not match, or is blank.</summary>
    public static string? Group(Match match, int number)
    {
        if (number >= match.Groups.Count) return null;
        var group = match.Groups[number];
        return group.Success ? NullIfEmpty(group.Value.Trim()) : null;
    }

    private static bool ContainsPlaceholder(string s)
    {
        for (var i = 0; i + 1 < s.Length; i++)
            if (s[i] == '$' && s[i + 1] is >= '1' and <= '9') return true;
        return false;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
