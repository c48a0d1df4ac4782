using Analytics.Enrichment.UserAgents;
using Analytics.Enrichment.Visitors;
using Microsoft.Extensions.Options;

namespace Analytics.Enrichment;

/// <summary>Start-up warm-up of the user-agent rules and the hourly deletion of expired salts.</summary>
/// <remarks>Expired salts are also deleted on the first hash of a new day; the timer covers idle sites.</remarks>
internal sealed class EnrichmentBackground(
    UserAgentParser parser, DailySalts salts, IOptions<EnrichmentOptions> options, ILogger<EnrichmentBackground> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // do not hold up the host's start
        if (options.Value.WarmUpUserAgentRules)
        {
            var started = TimeProvider.System.GetTimestamp();
            parser.BuildAll();
            Bots.CrawlerList.Warm(); // the maintained lists too: ~0.1-0.4 s on the first event otherwise
            Channels.KnownSources.Warm();
            logger.LogInformation("uap-core rules and bot and referrer lists built in {Milliseconds} ms",
                (int)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do salts.Rotate();
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
