using System.Text.Json.Serialization;

namespace Analytics.Sites;

#pragma warning disable IDE1006 // the row type mirrors ClickHouse column names
internal sealed record SiteRow(string site_id, string key, string name, List<string> domains, string time_zone, long retention_days, long created, List<string> query_params, string identify_secret);
#pragma warning restore IDE1006

public sealed record CreateSiteRequest(string? Name, List<string>? Domains, string? TimeZone, int? RetentionDays, List<string>? QueryParams = null, string? IdentifySecret = null);

/// <summary>PUT /api/sites/{key}/identify-secret: a new secret (set or rotate), or null or "" to turn signing off.</summary>
public sealed record IdentifySecretRequest(string? IdentifySecret);

public sealed record IdentifySecretResponse(string Key, bool IdentifySigned);

public sealed record SiteResponse(string Id, string Key, string Name, IReadOnlyList<string> Domains, string TimeZone, int RetentionDays, DateTimeOffset CreatedAt, string Snippet, IReadOnlyList<string> QueryParams)
{
    /// <summary>Whether the site accepts only signed identifies; the secret itself is never answered.</summary>
    public bool IdentifySigned { get; init; }

    /// <summary>When the retention job last enforced <see cref="RetentionDays"/> on the site (GET /api/sites/{key} only).</summary>
    public DateTimeOffset? RetentionLastRun { get; init; }
}

[JsonSerializable(typeof(SiteRow))]
[JsonSerializable(typeof(List<Site>))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class SitesJson : JsonSerializerContext;
