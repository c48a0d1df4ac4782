using Analytics.Ingestion;

namespace Analytics.Identity;

public static class IdentitySetup
{
    /// <summary>The identity link spool and its writer, beside the events' (see <see cref="IdentityLinks"/>).</summary>
    public static void AddIdentity(this WebApplicationBuilder builder)
    {
        builder.AddSpooledTable(IdentityLinks.Definition, IdentityLinks.SpoolKey, "Identity links");
        builder.Services.AddSingleton<IdentifyLinks>();
        builder.Services.AddSingleton<SharedDevices>();
    }
}
