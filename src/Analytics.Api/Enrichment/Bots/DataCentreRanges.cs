using System.Net;
using System.Net.Sockets;

namespace Analytics.Enrichment.Bots;

/// <summary>Networks whose traffic is treated as automated: crawler ranges and, if the operator adds them, data centres.</summary>
/// <remarks>
/// Deliberately partial. The embedded list (datacentre-ranges.txt) holds only a few published crawler
/// networks; cloud providers publish thousands of ranges that change weekly, so the operator supplies them
/// through the `Enrichment:DataCentreRangesFile` option (one CIDR a line, `#` comments) when wanted.
/// A plain linear scan: the list is short, and a longer one should become a sorted interval table.
/// </remarks>
public sealed class DataCentreRanges
{
    private const string EmbeddedName = "Analytics.Enrichment.Bots.datacentre-ranges.txt";
    private readonly IPNetwork[] v4;
    private readonly IPNetwork[] v6;

    public DataCentreRanges(IEnumerable<IPNetwork> networks)
    {
        var all = networks.ToArray();
        v4 = Array.FindAll(all, n => n.BaseAddress.AddressFamily == AddressFamily.InterNetwork);
        v6 = Array.FindAll(all, n => n.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6);
    }

    public static readonly DataCentreRanges None = new([]);

    public int Count => v4.Length + v6.Length;

    /// <summary>The embedded list plus, when given, the operator's file.</summary>
    public static DataCentreRanges Load(string? extraFile)
    {
        using var stream = typeof(DataCentreRanges).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"Embedded resource {EmbeddedName} is missing from the build.");
        using var embedded = new StreamReader(stream);
        var networks = Parse(embedded, EmbeddedName);
        if (!string.IsNullOrWhiteSpace(extraFile))
        {
            using var extra = new StreamReader(extraFile);
            networks.AddRange(Parse(extra, extraFile));
        }
        return new DataCentreRanges(networks);
    }

    public static List<IPNetwork> Parse(TextReader reader, string sourceName)
    {
        var networks = new List<IPNetwork>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var hash = line.IndexOf('#');
            var text = (hash >= 0 ? line[..hash] : line).Trim();
            if (text.Length == 0) continue;
            if (!IPNetwork.TryParse(text, out var network))
                throw new FormatException($"{sourceName}:{lineNumber}: '{text}' is not a CIDR network.");
            networks.Add(network);
        }
        return networks;
    }

    public bool Contains(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        var list = ip.AddressFamily == AddressFamily.InterNetwork ? v4 : v6;
        foreach (var network in list)
            if (network.Contains(ip)) return true;
        return false;
    }
}
