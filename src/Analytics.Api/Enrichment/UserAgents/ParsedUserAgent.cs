namespace Analytics.Enrichment.UserAgents;

/// <summary>The `ua` part of a uap-core result: the browser (or client) family and version.</summary>
public sealed record BrowserInfo(string Family, string? Major, string? Minor, string? Patch)
{
    public static readonly BrowserInfo Other = new("Other", null, null, null);
}

/// <summary>The `os` part of a uap-core result.</summary>
public sealed record OsInfo(string Family, string? Major, string? Minor, string? Patch, string? PatchMinor)
{
    public static readonly OsInfo Other = new("Other", null, null, null, null);
}

/// <summary>The `device` part of a uap-core result.</summary>
public sealed record DeviceInfo(string Family, string? Brand, string? Model)
{
    public static readonly DeviceInfo Other = new("Other", null, null);

    /// <summary>uap-core names every crawler's device "Spider".</summary>
    public bool IsSpider => Family == "Spider";
}

/// <summary>What uap-core's regexes.yaml says about one user agent string.</summary>
public sealed record ParsedUserAgent(BrowserInfo Browser, OsInfo Os, DeviceInfo Device)
{
    public static readonly ParsedUserAgent Unknown = new(BrowserInfo.Other, OsInfo.Other, DeviceInfo.Other);
}
