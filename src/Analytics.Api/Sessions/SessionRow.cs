using System.Text.Json.Serialization;

namespace Analytics.Sessions;

/// <summary>One row of <see cref="SessionSql.Build"/>: a session and its facts (times in ms since the epoch).</summary>
public sealed record SessionRow(
    string SiteId, string VisitorId, string Person, long StartMs, long EndMs, long DurationMs, long Events, long Pageviews,
    int Bounce, string EntryPath, string ExitPath, string Channel, string Source, string UtmCampaign, string Device,
    string Browser, string Os, string Country);

[JsonSerializable(typeof(SessionRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class SessionJson : JsonSerializerContext;
