namespace Analytics.Enrichment.UserAgents;

/// <summary>Derives desktop / mobile / tablet / other from a uap-core result and the raw user agent.</summary>
/// <remarks>
/// uap-core names devices but not their class, so the class comes from well-known tokens, tried in order:
/// TVs, consoles and watches first (they often also say "Android" or "Mobile"), then tablets (before phones,
/// because an iPad or Android tablet can carry phone-like tokens), then phones, then desktop systems.
/// Bots are decided elsewhere (<see cref="Bots.BotDetector"/>) and win over all of this.
/// Runs once per distinct user agent (results are cached), so clarity beats speed here.
/// </remarks>
public static class DeviceClassifier
{
    private static readonly string[] OtherTokens =
    [
        "SmartTV", "SMART-TV", "Smart TV", "SmartTv", "HbbTV", "GoogleTV", "Android TV", "AndroidTV", "; AFT",
        "CrKey", "AppleTV", "Apple TV", "Roku", "BRAVIA", "NetCast", "Web0S", "WebOS TV", "Tizen TV",
        "PlayStation", "Xbox", "Nintendo", "OculusBrowser", "Watch OS", "watchOS", "Wear OS",
    ];

    private static readonly string[] TabletTokens =
        ["iPad", "Tablet", "Kindle", "Silk/", "PlayBook", "Nexus 7", "Nexus 9", "Nexus 10", "SM-T", "GT-P", "Tab "];

    private static readonly string[] MobileTokens =
        ["Mobi", "iPhone", "iPod", "Windows Phone", "IEMobile", "Opera Mini", "BlackBerry", "BB10", "KaiOS",
         "Symbian", "J2ME", "MIDP", "Nokia"];

    private static readonly HashSet<string> MobileOsFamilies = new(StringComparer.Ordinal)
        { "iOS", "Android", "Windows Phone", "BlackBerry OS", "Symbian OS", "KaiOS", "Firefox OS", "Tizen", "HarmonyOS" };

    private static readonly HashSet<string> OtherOsFamilies = new(StringComparer.Ordinal)
        { "tvOS", "watchOS", "ATV OS X", "Roku", "Chromecast" };

    private static readonly HashSet<string> DesktopOsFamilies = new(StringComparer.Ordinal)
    {
        "Windows", "Mac OS X", "Linux", "Ubuntu", "Debian", "Fedora", "Red Hat", "SUSE", "Mint", "Kubuntu",
        "Arch Linux", "Gentoo", "Mandriva", "CentOS", "Slackware", "Chrome OS", "FreeBSD", "OpenBSD", "NetBSD",
        "Solaris", "SunOS", "Windows 10", "Windows 11", "Windows 7", "Windows 8", "Windows 8.1", "Windows XP",
        "Windows Vista", "Windows 2000", "Windows 98", "Windows 95", "Windows NT", "Windows RT", "Windows RT 8.1",
        "Haiku", "BeOS", "OS/2", "AIX", "IRIX", "HP-UX",
    };

    public static DeviceType Classify(ParsedUserAgent parsed, string userAgent)
    {
        var os = parsed.Os.Family;
        if (OtherOsFamilies.Contains(os) || ContainsAny(userAgent, OtherTokens)) return DeviceType.Other;

        if (parsed.Device.Family == "iPad" || ContainsAny(userAgent, TabletTokens)) return DeviceType.Tablet;
        // Android phones say "Mobile"; Android tablets do not (Google's guidance to browser vendors).
        if (os == "Android" && !userAgent.Contains("Mobile", StringComparison.Ordinal)) return DeviceType.Tablet;

        if (MobileOsFamilies.Contains(os) || ContainsAny(userAgent, MobileTokens)) return DeviceType.Mobile;
        if (parsed.Device.Family is "Generic Smartphone" or "Generic Feature Phone" or "iPhone") return DeviceType.Mobile;

        if (DesktopOsFamilies.Contains(os) || os.StartsWith("Windows", StringComparison.Ordinal)) return DeviceType.Desktop;
        if (userAgent.Contains("X11;", StringComparison.Ordinal) || userAgent.Contains("Macintosh", StringComparison.Ordinal))
            return DeviceType.Desktop;

        return DeviceType.Other;
    }

    private static bool ContainsAny(string text, string[] tokens)
    {
        foreach (var token in tokens)
            if (text.Contains(token, StringComparison.Ordinal)) return true;
        return false;
    }
}
