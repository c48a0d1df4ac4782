using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Analytics.Enrichment.UserAgents;

/// <summary>The three rule lists of a uap-core regexes.yaml, in file order (first match wins).</summary>
internal sealed class UapRegexes
{
    private const string EmbeddedName = "Analytics.Enrichment.UserAgents.regexes.yaml";

    public required IReadOnlyList<BrowserRule> Browsers { get; init; }
    public required IReadOnlyList<OsRule> Systems { get; init; }
    public required IReadOnlyList<DeviceRule> Devices { get; init; }

    /// <summary>The regexes.yaml of uap-core 0.18.0 embedded in this assembly.</summary>
    public static UapRegexes LoadEmbedded(RegexOptions engine, TimeSpan matchTimeout)
    {
        using var stream = typeof(UapRegexes).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"Embedded resource {EmbeddedName} is missing from the build.");
        return Load(stream, engine, matchTimeout);
    }

    public static UapRegexes Load(Stream yaml, RegexOptions engine, TimeSpan? matchTimeout = null)
    {
        using var reader = new StreamReader(yaml);
        var timeout = matchTimeout ?? UserAgentParser.DefaultBudget;
        var file = new DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, List<Dictionary<string, string>>>>(reader);

        return new UapRegexes
        {
            Browsers = Entries(file, "user_agent_parsers").Select(e => new BrowserRule(
                Pattern(e, engine, timeout), Template(e, "family_replacement"), Template(e, "v1_replacement"),
                Template(e, "v2_replacement"), Template(e, "v3_replacement"))).ToArray(),
            Systems = Entries(file, "os_parsers").Select(e => new OsRule(
                Pattern(e, engine, timeout), Template(e, "os_replacement"), Template(e, "os_v1_replacement"),
                Template(e, "os_v2_replacement"), Template(e, "os_v3_replacement"),
                Template(e, "os_v4_replacement"))).ToArray(),
            Devices = Entries(file, "device_parsers").Select(e => new DeviceRule(
                Pattern(e, engine, timeout), Template(e, "device_replacement"), Template(e, "brand_replacement"),
                Template(e, "model_replacement"))).ToArray(),
        };
    }

    private static List<Dictionary<string, string>> Entries(
        Dictionary<string, List<Dictionary<string, string>>> file, string section) =>
        file.TryGetValue(section, out var entries)
            ? entries
            : throw new InvalidDataException($"regexes.yaml has no '{section}' section.");

    private static UapPattern Pattern(Dictionary<string, string> entry, RegexOptions engine, TimeSpan timeout)
    {
        if (!entry.TryGetValue("regex", out var pattern))
            throw new InvalidDataException("A regexes.yaml entry has no 'regex'.");
        var ignoreCase = entry.TryGetValue("regex_flag", out var flag) && flag == "i";
        return new UapPattern(pattern, ignoreCase, engine, timeout);
    }

    private static Replacement? Template(Dictionary<string, string> entry, string key) =>
        entry.TryGetValue(key, out var template) ? new Replacement(template) : null;
}
