using System.Text.Json.Serialization;

namespace Analytics.Privacy.Reads;

public sealed record VisitorIdRow(string VisitorId);

public sealed record ConsentProofRow(string ConsentId, long ReceivedS, string Vid, int Analytics, int Marketing, string PolicyVersion,
    string Source, string IpTruncated, string UserAgent);

public sealed record AuditRow(string AuditId, long AtS, string UserId, string Role, string Action, string RequestId, string Subject,
    string Result, string Detail);

[JsonSerializable(typeof(VisitorIdRow))]
[JsonSerializable(typeof(ConsentProofRow))]
[JsonSerializable(typeof(AuditRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class PrivacyReadsJson : JsonSerializerContext;
