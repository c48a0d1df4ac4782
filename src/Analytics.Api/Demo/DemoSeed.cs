using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Demo;

/// <summary>
/// Seeds the demo site once, in the background after the start (the service answers meanwhile): when
/// <c>Demo:Seed</c> is on, the schema is ready and the site "demo" exists. A marker file in the data directory
/// (<c>demo-seeded</c>) keeps a restart from seeding again; a demo site that already has events is left alone too.
/// </summary>
public sealed class DemoSeed(IOptions<DemoOptions> options, IOptions<StorageOptions> storage, SchemaReady schema, SiteStore sites,
    IClickHouse clickHouse, DemoShop shop, ILogger<DemoSeed> logger) : BackgroundService
{
    public const string MarkerFile = "demo-seeded";
    readonly TaskCompletionSource<DemoSeedResult> done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The outcome, once known (also when seeding is off or was done before).</summary>
    public Task<DemoSeedResult> Done => done.Task;

    string Marker => Path.Combine(storage.Value.DataDir, MarkerFile);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield(); // the start goes on
        try
        {
            var result = await SeedAsync(stop);
            if (!result.Seeded && options.Value.Seed) logger.LogInformation("The demo site is not seeded: {Reason}", result.Detail);
            done.TrySetResult(result);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            done.TrySetCanceled(stop);
        }
        catch (Exception e)
        {
            logger.LogError(e, "The demo site could not be seeded: {Error}", e.Message);
            done.TrySetException(e);
        }
    }

    async Task<DemoSeedResult> SeedAsync(CancellationToken stop)
    {
        if (!options.Value.Seed) return new DemoSeedResult(false, "Demo:Seed is off");
        if (File.Exists(Marker)) return new DemoSeedResult(false, "seeded before (" + Marker + ")");
        await schema.WaitAsync(stop);
        var site = await DemoSiteAsync(stop);
        if (site is null) return new DemoSeedResult(false, "no demo site (Sites:CreateDemoSite is off)");
        var existing = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM events WHERE site_id = {site.Id}"), StorageJson.Default.CountRow, stop);
        if (existing?.N > 0)
        {
            await WriteMarkerAsync("the demo site had events already");
            return new DemoSeedResult(false, "the demo site has events already");
        }
        logger.LogInformation("Seeding the demo site with {Days} days of history ({Events} events, {Customers} CRM customers)…",
            options.Value.Days, options.Value.Events, options.Value.Customers);
        var result = await shop.WriteAsync(site, DateTimeOffset.UtcNow, stop);
        await WriteMarkerAsync($"seeded {DateTimeOffset.UtcNow:O}: {result}");
        logger.LogInformation("Demo site seeded in {Seconds:F1} s: {Events} events of {Visitors} visitors, {Customers} customers with {Orders} orders, " +
                              "{Contacts} contacts, {Consents} consent proofs, {Surveys} survey answers and ratings, {Costs} cost rows",
            result.Seconds, result.Events, result.Visitors, result.Customers, result.Orders, result.Contacts, result.Consents, result.Surveys, result.Costs);
        return result;
    }

    /// <summary>The demo site, which <see cref="SiteStartup"/> creates in the background once the schema is ready.</summary>
    async Task<Site?> DemoSiteAsync(CancellationToken stop)
    {
        for (var waited = 0; waited < 600; waited++)
        {
            if (sites.FindByKey(SiteStartup.DemoKey) is { } site) return site;
            await Task.Delay(100, stop);
        }
        return null;
    }

    Task WriteMarkerAsync(string text) => File.WriteAllTextAsync(Marker, text + Environment.NewLine);
}

public static class DemoSetup
{
    public static void AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration("Demo").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DemoShop>();
        builder.Services.AddSingleton<DemoSeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoSeed>());
    }
}
