namespace Analytics.Auth;

/// <summary>
/// The roles of DESIGN.md, and <see cref="Metrics"/> for a Prometheus scraper. Each role name is also the
/// authorization policy that admits it (and admin).
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Marketer = "marketer";
    public const string PrivacyOfficer = "privacy_officer";
    /// <summary>Customer service and sales: customers, the 360-degree view and contacts, nothing else.</summary>
    public const string Service = "service";
    /// <summary>Reads /metrics and nothing else: a scraper holds no token that opens data.</summary>
    public const string Metrics = "metrics";
    /// <summary>Policy: any person signed in, whatever the role (not a <see cref="Metrics"/> token).</summary>
    public const string AnyUser = "any_user";

    /// <summary>Roles of people.</summary>
    public static readonly IReadOnlyList<string> People = [Admin, Marketer, PrivacyOfficer, Service];

    /// <summary>Every role a token can have.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Marketer, PrivacyOfficer, Service, Metrics];
}
