using System.Text.Json.Serialization;

namespace Analytics.Ingestion;

public sealed record RejectedEvent(int Index, IReadOnlyList<FieldError> Errors);

public sealed record CollectResponse(int Accepted, IReadOnlyList<RejectedEvent> Rejected);

[JsonSerializable(typeof(CollectResponse))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class IngestionJson : JsonSerializerContext;
