using System.Text.Json.Serialization;

namespace Analytics.Ingestion;

/// <summary>An event id read back from <c>events</c>: which rows of a batch are stored already.</summary>
public sealed record StoredEventId(Guid Id);

/// <summary>Row types of the ingestion's reads (column names snake_case).</summary>
[JsonSerializable(typeof(StoredEventId))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class StoredEventsJson : JsonSerializerContext;
