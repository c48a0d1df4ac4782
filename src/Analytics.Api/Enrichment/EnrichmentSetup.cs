using System.Text.RegularExpressions;
using Analytics.Enrichment.Bots;
using Analytics.Enrichment.GeoIp;
using Analytics.Enrichment.UserAgents;
using Analytics.Enrichment.Visitors;
using Microsoft.Extensions.Options;

namespace Analytics.Enrichment;

public static class EnrichmentSetup
{
    /// <summary>
    /// Registers <see cref="Enricher"/> and its parts (user agents, bots, GeoIP) and the cookieless
    /// <see cref="VisitorHash"/> with its <see cref="DailySalts"/>, all singletons, from the `Enrichment`
    /// section, `ANALYTICS_GEOIP_DATABASE` and `ANALYTICS_DATA_DIR`.
    /// </summary>
    public static IHostApplicationBuilder AddEnrichment(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<EnrichmentOptions>()
            .BindConfiguration(EnrichmentOptions.Section)
            .PostConfigure(o =>
            {
                if (configuration["ANALYTICS_GEOIP_DATABASE"] is { Length: > 0 } geoIp) o.GeoIpDatabase = geoIp;
                if (string.IsNullOrWhiteSpace(o.SaltsDirectory))
                    o.SaltsDirectory = Path.Combine(Storage.DataDirectory.Resolve(configuration), "salts");
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var services = builder.Services;
        services.AddSingleton(sp => UserAgentParser.CreateDefault(
            Options(sp).CompileUserAgentRegexes ? RegexOptions.Compiled : RegexOptions.None,
            TimeSpan.FromMilliseconds(Options(sp).UserAgentParseBudgetMs)));
        services.AddSingleton(sp => new UserAgentAnalyzer(sp.GetRequiredService<UserAgentParser>(), Options(sp).UserAgentCacheSize));
        services.AddSingleton(sp => DataCentreRanges.Load(Options(sp).DataCentreRangesFile));
        services.AddSingleton<BotDetector>();
        services.AddSingleton(sp => new GeoIpLookup(Options(sp).GeoIpDatabase,
            TimeSpan.FromSeconds(Options(sp).GeoIpCheckIntervalSeconds), watch: true,
            sp.GetRequiredService<ILogger<GeoIpLookup>>()));
        services.AddSingleton<Enricher>();
        services.AddSingleton(sp => new DailySalts(Options(sp).SaltsDirectory!, sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<DailySalts>>()));
        services.AddSingleton<VisitorHash>();
        services.AddHostedService<EnrichmentBackground>();
        return builder;
    }

    private static EnrichmentOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<EnrichmentOptions>>().Value;
}
