using System.Text.Json.Serialization;

namespace Analytics.Sites;

#pragma warning disable IDE1006 // the row type mirrors ClickHouse column names
internal sealed record SiteRow(string site_id, string key, string name, List<string> domains, string time_zone, long retention_days, long created, List<string> query_params);
#pragma warning restore IDE1006

public sealed record CreateSiteRequest(string? Name, List<string>? Domains, string? TimeZone, int? RetentionDays, List<string>? QueryParams = null);

public sealed record SiteResponse(string Id, string Key, string Name, IReadOnlyList<string> Domains, string TimeZone, int RetentionDays, DateTimeOffset CreatedAt, string Snippet, IReadOnlyList<string> QueryParams);

[JsonSerializable(typeof(SiteRow))]
[JsonSerializable(typeof(List<Site>))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class SitesJson : JsonSerializerContext;
