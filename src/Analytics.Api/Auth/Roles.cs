namespace Analytics.Auth;

/// <summary>The three roles of DESIGN.md; each name is also the authorization policy that admits it (and admin).</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Marketer = "marketer";
    public const string PrivacyOfficer = "privacy_officer";
    /// <summary>Policy: any authenticated user, whatever the role.</summary>
    public const string AnyUser = "any_user";

    public static readonly IReadOnlyList<string> All = [Admin, Marketer, PrivacyOfficer];
}
