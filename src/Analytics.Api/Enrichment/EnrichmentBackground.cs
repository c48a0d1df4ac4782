using Analytics.Enrichment.UserAgents;
using Analytics.Enrichment.Visitors;
using Microsoft.Extensions.Options;

namespace Analytics.Enrichment;

/// <summary>Start-up warm-up of the user-agent rules and the deletion of expired salts at every UTC midnight.</summary>
/// <remarks>Expired salts are also deleted at start-up and on the first hash of a new day; midnight covers idle sites.</remarks>
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

        await salts.KeepDeletingExpiredAsync(stoppingToken);
    }
}
