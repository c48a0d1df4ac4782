using System.Text.Json.Serialization;

namespace Analytics.Reports;

/// <summary>The rows the transitions, paths and journeys reports read from ClickHouse (snake_case columns).</summary>
[JsonSerializable(typeof(TransitionCount))]
[JsonSerializable(typeof(PathHop))]
[JsonSerializable(typeof(JourneyPurchase))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class PathJson : JsonSerializerContext;
