namespace Analytics.Enrichment.UserAgents;

/// <summary>The coarse device class stored in the `device` column.</summary>
public enum DeviceType { Desktop, Mobile, Tablet, Bot, Other }

public static class DeviceTypeNames
{
    /// <summary>The storage name: desktop, mobile, tablet, bot or other.</summary>
    public static string ToStorageName(this DeviceType type) => type switch
    {
        DeviceType.Desktop => "desktop",
        DeviceType.Mobile => "mobile",
        DeviceType.Tablet => "tablet",
        DeviceType.Bot => "bot",
        _ => "other",
    };
}
