using Analytics.Auth;
using Analytics.Sites;

namespace Analytics.Privacy.Reads;

/// <summary>The privacy officer's reads: consent history and the audit log, per site, for privacy officers and admins.</summary>
public static class PrivacyReadsSetup
{
    public static void MapPrivacyReads(this WebApplication app)
    {
        app.MapGet("/api/privacy/consents", ConsentHistoryApi.HandleAsync).RequireAuthorization(Roles.PrivacyOfficer).RequireSiteAccess();
        app.MapGet("/api/privacy/audit", AuditLogApi.HandleAsync).RequireAuthorization(Roles.PrivacyOfficer).RequireSiteAccess();
    }
}
