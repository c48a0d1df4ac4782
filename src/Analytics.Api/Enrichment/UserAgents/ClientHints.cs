using Microsoft.AspNetCore.Http;

namespace Analytics.Enrichment.UserAgents;

/// <summary>User-agent client hints as the browser sent them (raw header values, any may be missing).</summary>
/// <remarks>
/// Chromium browsers freeze parts of the user agent string (Windows 11 still says "Windows NT 10.0", macOS
/// says 10_15_7, Android says "Android 10; K") and send the truth in these headers; low-entropy ones
/// (Sec-CH-UA, -Mobile, -Platform) by default, the others only when the site asked for them.
/// </remarks>
public sealed record ClientHints(
    string? Brands = null,           // Sec-CH-UA
    string? Mobile = null,           // Sec-CH-UA-Mobile: ?1 or ?0
    string? Platform = null,         // Sec-CH-UA-Platform: "Windows"
    string? PlatformVersion = null,  // Sec-CH-UA-Platform-Version: "15.0.0"
    string? FullVersionList = null)  // Sec-CH-UA-Full-Version-List
{
    public static ClientHints? FromHeaders(IHeaderDictionary headers)
    {
        var hints = new ClientHints(
            Header(headers, "Sec-CH-UA"), Header(headers, "Sec-CH-UA-Mobile"), Header(headers, "Sec-CH-UA-Platform"),
            Header(headers, "Sec-CH-UA-Platform-Version"), Header(headers, "Sec-CH-UA-Full-Version-List"));
        return hints.IsEmpty ? null : hints;
    }

    public bool IsEmpty => Brands is null && Mobile is null && Platform is null && PlatformVersion is null
                           && FullVersionList is null;

    /// <summary>True for "?1", false for "?0", null when absent or malformed.</summary>
    public bool? IsMobile => Mobile?.Trim() switch
    {
        "?1" => true,
        "?0" => false,
        _ => null,
    };

    /// <summary>The platform without the structured-header quotes ("Windows", "macOS", "Android" …).</summary>
    public string? PlatformName
    {
        get
        {
            var name = Unquote(Platform);
            return name.IsEmpty ? null : name.ToString();
        }
    }

    /// <summary>True when the platform hint names <paramref name="platform"/> (no allocation).</summary>
    public bool PlatformIs(string platform) => Unquote(Platform).Equals(platform, StringComparison.OrdinalIgnoreCase);

    /// <summary>The major part of the platform version ("15.0.0" → 15), or null.</summary>
    public int? PlatformMajorVersion
    {
        get
        {
            var version = Unquote(PlatformVersion);
            var dot = version.IndexOf('.');
            return int.TryParse(dot < 0 ? version : version[..dot], out var major) ? major : null;
        }
    }

    /// <summary>The brands of Sec-CH-UA-Full-Version-List (else Sec-CH-UA) with their versions, in order.</summary>
    public List<(string Brand, string Version)> ParseBrands()
    {
        // Structured-header list: "Google Chrome";v="124.0.6367.60", "Not-A.Brand";v="99.0.0.0", …
        var brands = new List<(string, string)>();
        var list = FullVersionList ?? Brands;
        if (list is null) return brands;
        foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var semicolon = item.IndexOf(';');
            var brand = Unquote(semicolon < 0 ? item : item[..semicolon]).ToString();
            var version = "";
            var v = item.IndexOf("v=", StringComparison.Ordinal);
            if (v >= 0) version = Unquote(item[(v + 2)..]).ToString();
            if (brand.Length > 0) brands.Add((brand, version));
        }
        return brands;
    }

    private static ReadOnlySpan<char> Unquote(string? value)
    {
        if (value is null) return default;
        var span = value.AsSpan().Trim();
        if (span.Length >= 2 && span[0] == '"' && span[^1] == '"') span = span[1..^1];
        return span;
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}
