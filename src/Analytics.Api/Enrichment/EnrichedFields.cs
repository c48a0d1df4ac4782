using System.Text.Json.Serialization;

namespace Analytics.Enrichment;

/// <summary>
/// What enrichment adds to one event, under the storage names (snake_case in JSON and in the `events` table).
/// Missing values are "" so the columns need no nulls. No IP and no visitor hash: those never reach storage here.
/// </summary>
public sealed record EnrichedFields
{
    /// <summary>uap-core browser family ("Chrome", "Mobile Safari", "Other").</summary>
    public required string Browser { get; init; }
    /// <summary>The browser's major version, or "".</summary>
    public required string BrowserVersion { get; init; }
    /// <summary>uap-core OS family ("Windows", "Mac OS X", "iOS", "Android", "Other").</summary>
    public required string Os { get; init; }
    /// <summary>The OS major version, refined by client hints (Windows "11"), or "".</summary>
    public required string OsVersion { get; init; }
    /// <summary>desktop, mobile, tablet, bot or other.</summary>
    public required string Device { get; init; }
    /// <summary>uap-core device family ("iPhone", "Samsung SM-S918B", "Spider", "Other").</summary>
    public required string DeviceFamily { get; init; }
    public required bool IsBot { get; init; }
    /// <summary>ISO 3166-1 alpha-2 code, or "".</summary>
    public required string Country { get; init; }
    /// <summary>ISO 3166-2 subdivision code without the country ("ENG", "WA"), or "".</summary>
    public required string Region { get; init; }
    public required string City { get; init; }
    /// <summary>direct, organic_search, paid_search, social, paid_social, email, referral or internal.</summary>
    public required string Channel { get; init; }
    /// <summary>A readable source ("Google", "Facebook", "Newsletter") or the referring host; "" for direct.</summary>
    public required string Source { get; init; }
    public required string UtmSource { get; init; }
    public required string UtmMedium { get; init; }
    public required string UtmCampaign { get; init; }
    public required string UtmTerm { get; init; }
    public required string UtmContent { get; init; }
}

/// <summary>Source-generated JSON for <see cref="EnrichedFields"/> with the storage (snake_case) names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EnrichedFields))]
public sealed partial class EnrichmentJsonContext : JsonSerializerContext;
