using Analytics.Ingestion;

namespace Analytics.Identity;

public static class IdentitySetup
{
    /// <summary>The identity link spool and its writer, beside the events' (see <see cref="IdentityLinks"/>).</summary>
    public static void AddIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddKeyedSingleton(IdentityLinks.SpoolKey, (sp, _) => IngestionSetup.OpenSpool(sp, IdentityLinks.Definition));
        builder.Services.AddSingleton<IHostedService>(sp => IngestionSetup.NewWriter(sp, IdentityLinks.Definition,
            sp.GetRequiredKeyedService<Spool>(IdentityLinks.SpoolKey), WriterMetrics(sp.GetRequiredService<Observability.Metrics>())));
        builder.Services.AddSingleton<IdentifyLinks>();
    }

    static SpoolWriterMetrics WriterMetrics(Observability.Metrics metrics) => new(
        metrics.Counter("analytics_identity_links_written_total", "Identity links stored in ClickHouse."),
        metrics.Counter("analytics_identity_links_duplicates_skipped_total", "Replayed identity links found already stored and not written again."),
        metrics.Counter("analytics_identity_link_insert_failures_total", "Failed inserts of identity links (retried)."),
        metrics.Counter("analytics_identity_links_dead_lettered_total", "Identity links set aside in spool-links/dead-letter."),
        metrics.Histogram("analytics_identity_link_insert_batch_seconds", "Time to store one batch of identity links.", [0.001, 0.01, 0.1, 1, 10]));
}
