using System.Text.Json.Serialization;

namespace Analytics.Consent;

public sealed record ConsentPurposes(bool? Analytics, bool? Marketing);

/// <summary>The body of POST /api/consent as the tracker sends it.</summary>
public sealed record ConsentRecord(string? Site, string? Vid, ConsentPurposes? Purposes, string? PolicyVersion, string? Source);

[JsonSerializable(typeof(ConsentRecord))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class ConsentJson : JsonSerializerContext;
