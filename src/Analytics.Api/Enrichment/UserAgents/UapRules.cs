using System.Text.RegularExpressions;

namespace Analytics.Enrichment.UserAgents;

/// <summary>An entry of `user_agent_parsers`: the browser family and its version parts.</summary>
internal sealed record BrowserRule(UapPattern Pattern, Replacement? Family, Replacement? Major, Replacement? Minor, Replacement? Patch)
{
    public BrowserInfo Resolve(Match m) => new(
        Replacement.Pick(Family, m, 1) ?? BrowserInfo.Other.Family,
        Replacement.Pick(Major, m, 2),
        Replacement.Pick(Minor, m, 3),
        Replacement.Pick(Patch, m, 4));
}

/// <summary>An entry of `os_parsers`: the operating system family and its version parts.</summary>
internal sealed record OsRule(UapPattern Pattern, Replacement? Family, Replacement? Major, Replacement? Minor, Replacement? Patch, Replacement? PatchMinor)
{
    public OsInfo Resolve(Match m) => new(
        Replacement.Pick(Family, m, 1) ?? OsInfo.Other.Family,
        Replacement.Pick(Major, m, 2),
        Replacement.Pick(Minor, m, 3),
        Replacement.Pick(Patch, m, 4),
        Replacement.Pick(PatchMinor, m, 5));
}

/// <summary>An entry of `device_parsers`: device family, brand and model.</summary>
internal sealed record DeviceRule(UapPattern Pattern, Replacement? Family, Replacement? Brand, Replacement? Model)
{
    // Brand has no default group: without brand_replacement there is no brand (uap-core specification).
    public DeviceInfo Resolve(Match m) => new(
        Replacement.Pick(Family, m, 1) ?? DeviceInfo.Other.Family,
        Brand?.Apply(m),
        Replacement.Pick(Model, m, 1));
}
