using Analytics.Sites;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Segments;

/// <summary>Runs every segment's webhook each <see cref="SegmentOptions.WebhookIntervalSeconds"/> (0: never).</summary>
public sealed class SegmentWebhookJob(SegmentStore store, SiteStore sites, SegmentWebhookRunner runner, IOptions<SegmentOptions> settings,
    ILogger<SegmentWebhookJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = settings.Value.WebhookIntervalSeconds;
        if (interval <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(interval));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var segment in await store.WithWebhooksAsync(stoppingToken))
                    if (sites.All.FirstOrDefault(s => s.Id == segment.SiteId) is { } site)
                        await runner.RunAsync(segment, site, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Segment webhooks: the run failed; the next interval tries again");
            }
        }
    }
}
