using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Privacy.Retention;

/// <summary>
/// Runs <see cref="RetentionJob"/> every <see cref="RetentionOptions.RetentionIntervalSeconds"/>. The rhythm survives a
/// restart: the next run is one interval after the last recorded one (at once after a longer downtime); a new
/// installation runs first one interval after its start. A failed run is logged and the next one tries again.
/// Several instances on one server skip a run another instance made within the interval.
/// </summary>
internal sealed class RetentionService(RetentionJob job, RetentionRuns runs, SchemaReady schema, IOptions<RetentionOptions> options,
    TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        var interval = TimeSpan.FromSeconds(options.Value.RetentionIntervalSeconds);
        DateTimeOffset next;
        try
        {
            next = (await runs.LatestAsync(stoppingToken) ?? time.GetUtcNow()) + interval;
        }
        catch (ClickHouseException e)
        {
            logger.LogWarning("Could not read when retention last ran ({Error}); running one interval from now", e.Message);
            next = time.GetUtcNow() + interval;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stoppingToken);
            try
            {
                // Instances sharing a ClickHouse server share the rhythm: one that another has just run for waits its turn.
                if (await runs.LatestAsync(stoppingToken) is { } latest && latest + interval > time.GetUtcNow() + TimeSpan.FromSeconds(1))
                {
                    next = latest + interval;
                    continue;
                }
                await job.RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The retention run failed; the next run tries again");
            }
            next = time.GetUtcNow() + interval;
        }
    }
}
