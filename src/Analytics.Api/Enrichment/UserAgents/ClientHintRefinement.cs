namespace Analytics.Enrichment.UserAgents;

/// <summary>Corrects what a frozen user agent string hides, using the client hints the browser sent.</summary>
public static class ClientHintRefinement
{
    // Sec-CH-UA brands → uap-core family, for the rare case that the string itself names no browser.
    private static readonly Dictionary<string, string> BrandFamilies = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Google Chrome"] = "Chrome", ["Microsoft Edge"] = "Edge", ["Opera"] = "Opera", ["Brave"] = "Brave",
        ["Vivaldi"] = "Vivaldi", ["YaBrowser"] = "Yandex Browser", ["Samsung Internet"] = "Samsung Internet",
    };

    /// <summary>Returns <paramref name="details"/> itself when the hints change nothing (the common case).</summary>
    public static UserAgentDetails Refine(UserAgentDetails details, ClientHints? hints)
    {
        if (hints is null || details.IsBot) return details;

        var os = RefineOs(details.Parsed.Os, hints);
        var device = RefineDevice(details.Device, hints);
        var browser = details.Parsed.Browser.Family == "Other" ? BrowserFromBrands(hints) : null;

        if (ReferenceEquals(os, details.Parsed.Os) && device == details.Device && browser is null) return details;
        return details with
        {
            Parsed = details.Parsed with { Os = os, Browser = browser ?? details.Parsed.Browser },
            Device = device,
        };
    }

    private static OsInfo RefineOs(OsInfo os, ClientHints hints)
    {
        var major = hints.PlatformMajorVersion;
        if (os.Family == "Windows" && hints.PlatformIs("Windows") && major is not null)
        {
            // Microsoft's mapping: platform version 13 and above is Windows 11, 1–10 is Windows 10,
            // 0 is 7/8/8.1 (which the user agent string already tells apart).
            var windows = major >= 13 ? "11" : major >= 1 ? "10" : null;
            return windows is null || windows == os.Major ? os : os with { Major = windows, Minor = null, Patch = null };
        }
        if (major is > 0 && ((os.Family == "Mac OS X" && hints.PlatformIs("macOS"))
                             || (os.Family == "Android" && hints.PlatformIs("Android"))))
        {
            var text = major.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return text == os.Major ? os : os with { Major = text, Minor = null, Patch = null };
        }
        if (os.Family == "Other" && hints.PlatformName is { } platform)
            return os with { Family = platform == "macOS" ? "Mac OS X" : platform };
        return os;
    }

    private static DeviceType RefineDevice(DeviceType device, ClientHints hints) =>
        hints.IsMobile == true && device is DeviceType.Desktop or DeviceType.Other ? DeviceType.Mobile : device;

    private static BrowserInfo? BrowserFromBrands(ClientHints hints)
    {
        foreach (var (brand, version) in hints.ParseBrands())
        {
            if (!BrandFamilies.TryGetValue(brand, out var family)) continue;
            var dot = version.IndexOf('.');
            return new BrowserInfo(family, dot < 0 ? NullIfEmpty(version) : version[..dot], null, null);
        }
        return null;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
