using Analytics.Privacy.Audit;
using Analytics.Privacy.Reads;
using Analytics.Privacy.Retention;
using Analytics.Privacy.Requests;
using Analytics.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Analytics.Privacy;

/// <summary>The privacy officer's workflows (issue 18): the audit log first; requests, consents and retention build on it.</summary>
public static class PrivacySetup
{
    public static void AddPrivacy(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => AuditKey.Resolve(
            sp.GetRequiredService<IConfiguration>()["Privacy:AuditKey"], sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir));
        builder.Services.AddSingleton<PrivacyAudit>();
        builder.AddPrivacyRetention();
        builder.AddPrivacyRequests();
    }

    public static void MapPrivacy(this WebApplication app)
    {
        app.MapPrivacyReads();
        app.MapPrivacyRequests();
    }
}
