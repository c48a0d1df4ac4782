using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Sites;

/// <summary>Settings of the <c>Sites</c> section.</summary>
public sealed class SitesOptions
{
    /// <summary>
    /// How often the sites table's version is read (system.parts, no scan) and the sites reloaded when it changed: the
    /// longest a site created or changed through another instance is unknown (or old) here.
    /// </summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Reloads the site registry every <see cref="SitesOptions.ReloadInterval"/> when another instance changed it.</summary>
public sealed class SiteReload(SiteStore sites, SchemaReady schema, IOptions<SitesOptions> options, ILogger<SiteReload> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.ReloadInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await sites.RefreshAsync(stoppingToken)) logger.LogDebug("Sites reloaded: {Count}", sites.All.Count);
            }
            catch (ClickHouseException e)
            {
                // The sites known (and sites.json) stay in force until ClickHouse answers again.
                logger.LogWarning("Sites could not be reloaded: {Error}", e.Message);
            }
        }
    }
}
