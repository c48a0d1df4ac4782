namespace Analytics.Enrichment.UserAgents;

/// <summary>What the enrichment keeps of a user agent: uap-core's result plus device class and bot flag.</summary>
public sealed record UserAgentDetails(ParsedUserAgent Parsed, DeviceType Device, bool IsBot)
{
    public string Browser => Parsed.Browser.Family;
    public string? BrowserVersion => Parsed.Browser.Major;
    public string Os => Parsed.Os.Family;
    public string? OsVersion => Parsed.Os.Major;
    public string DeviceFamily => Parsed.Device.Family;
}
