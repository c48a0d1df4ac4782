using Analytics.Storage;

namespace Analytics.Sites;

/// <summary>
/// Loads the sites before the first request (from the local snapshot at once, then from ClickHouse once the
/// schema is ready) and creates the demo site with key "demo" when <c>Sites:CreateDemoSite</c> is on (run.sh).
/// </summary>
public sealed class SiteStartup(SiteStore store, SchemaReady schema, IConfiguration config, ILogger<SiteStartup> logger) : IHostedService
{
    public const string DemoKey = "demo";

    public async Task StartAsync(CancellationToken ct)
    {
        store.LoadSnapshot();
        if (schema.IsReady) await LoadAndSeedAsync(ct);
        else _ = Task.Run(async () => { await schema.WaitAsync(CancellationToken.None); await LoadAndSeedAsync(CancellationToken.None); }, CancellationToken.None);
    }

    async Task LoadAndSeedAsync(CancellationToken ct)
    {
        try
        {
            await store.LoadAsync(ct);
            if (config.GetValue<bool>("Sites:CreateDemoSite") && store.FindByKey(DemoKey) is null)
                await store.CreateAsync("Demo shop", ["localhost", "127.0.0.1"], "UTC", 395, ["id"], DemoKey, ct); // product pages are /demo/product.html?id=…
        }
        catch (ClickHouseException e)
        {
            logger.LogError("Sites could not be loaded from ClickHouse: {Error}", e.Message);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
