using Analytics.Observability;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestion;

/// <summary>
/// Forces every spool (events, consents) to disk every <see cref="IngestionOptions.SpoolFsyncIntervalMs"/> from start-up, whether or not
/// ClickHouse answers: an outage is when the spool holds most, so it must not wait for the schema or the writer.
/// </summary>
public sealed class SpoolFsync(OpenSpools spools, IOptions<IngestionOptions> options, Metrics metrics, ILogger<SpoolFsync> logger) : BackgroundService
{
    readonly Counter rounds = metrics.Counter("analytics_spool_fsync_rounds_total",
        "Completed fsync rounds of the spool; frames appended before a round started are on disk when it ends.");
    readonly Counter failures = metrics.Counter("analytics_spool_fsync_failures_total", "fsyncs of the spool that failed (disk errors).");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.SpoolFsyncIntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) FlushOnce();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: Spool.Dispose does the last fsync.
        }
    }

    void FlushOnce()
    {
        try
        {
            foreach (var spool in spools.All) spool.FlushToDisk();
            rounds.Add();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            failures.Add();
            logger.LogWarning(e, "Spool fsync failed; retrying at the next interval");
        }
    }
}
