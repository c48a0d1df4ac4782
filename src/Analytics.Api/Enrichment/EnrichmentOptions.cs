using System.ComponentModel.DataAnnotations;

namespace Analytics.Enrichment;

/// <summary>Configuration section `Enrichment` (plus ANALYTICS_GEOIP_DATABASE and ANALYTICS_DATA_DIR).</summary>
public sealed class EnrichmentOptions
{
    public const string Section = "Enrichment";

    /// <summary>
    /// GeoIP2/GeoLite2 City or Country mmdb, or DB-IP Lite's. `ANALYTICS_GEOIP_DATABASE` wins when set.
    /// Empty: no geolocation.
    /// </summary>
    public string? GeoIpDatabase { get; set; }

    /// <summary>How often at most the GeoIP file's time and size are compared (a file watcher also signals).</summary>
    [Range(1, 86_400)]
    public int GeoIpCheckIntervalSeconds { get; set; } = 30;

    /// <summary>Distinct user agents whose parse is kept in memory.</summary>
    [Range(100, 10_000_000)]
    public int UserAgentCacheSize { get; set; } = UserAgents.UserAgentAnalyzer.DefaultCacheSize;

    /// <summary>
    /// Build all ~1200 uap-core regexes in the background at start instead of on first use, so early
    /// unseen user agents do not pay for it.
    /// </summary>
    public bool WarmUpUserAgentRules { get; set; } = true;

    /// <summary>Compile the uap-core regexes to IL: faster cold parses, much slower first use. See the bench.</summary>
    public bool CompileUserAgentRegexes { get; set; }

    /// <summary>
    /// Wall time one user-agent parse may take (and each of its regexes); the rules not reached in time count
    /// as no match. A guard against pathological input, far above a real parse (about 1 ms).
    /// </summary>
    [Range(1, 10_000)]
    public int UserAgentParseBudgetMs { get; set; } = 1000;

    /// <summary>An extra file of CIDR ranges (one a line) whose traffic counts as bots, e.g. cloud providers.</summary>
    public string? DataCentreRangesFile { get; set; }

    /// <summary>Where the daily salts live; default `salts` in the data directory (Storage.DataDirectory: ANALYTICS_DATA_DIR or Storage:DataDir).</summary>
    public string? SaltsDirectory { get; set; }
}
