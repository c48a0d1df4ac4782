using System.Text.Json;
using System.Text.Json.Serialization;

namespace Analytics.Privacy.Requests;

/// <summary>What a request asks: a copy of the subject's data (access) or its removal (erasure).</summary>
public static class RequestTypes
{
    public const string Access = "access";
    public const string Erasure = "erasure";
    public static readonly IReadOnlyList<string> All = [Access, Erasure];
}

public static class RequestStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public static readonly IReadOnlyList<string> All = [Queued, Running, Completed, Failed];
    public static bool IsOpen(string status) => status is Queued or Running;
}

/// <summary>
/// A row of <c>privacy_requests</c> (the latest version). Times are Unix seconds; <see cref="Tables"/> is the JSON of
/// the per-table results (<see cref="TableResult"/>), filled as the runner goes.
/// </summary>
public sealed record PrivacyRequest(
    string RequestId, string SiteId, string Type, string Subject, string SubjectKey, string Reference, string RequestedBy,
    long ReceivedAt, long DueAt, string Status, string Tables, string Error, long UpdatedAt, ulong Version)
{
    public IReadOnlyList<TableResult> TableResults =>
        Tables.Length == 0 ? [] : JsonSerializer.Deserialize(Tables, PrivacyRequestsJson.Default.ListTableResult) ?? [];

    public bool IsOverdue(long now) => RequestStatuses.IsOpen(Status) && DueAt < now;
}

/// <summary>
/// One personal table in a request: the subject's rows found before anything was deleted, and for an erasure the
/// rows deleted and the rows remaining when counted again after the mutations finished.
/// </summary>
public sealed record TableResult(string Table, long Found, long? Deleted = null, long? Remaining = null);

/// <summary>A row of <c>privacy_request_subjects</c>.</summary>
public sealed record RequestSubjectRow(string RequestId, string SiteId, List<string> CustomerIds, List<string> VisitorIds, int Resolved);

/// <summary>A request as the API shows it: no subject id, only which kind of id was given.</summary>
public sealed record RequestView(
    string Id, string Site, string Type, string Status, string SubjectKey, string Reference, DateTimeOffset ReceivedAt, DateTimeOffset Due,
    DateTimeOffset UpdatedAt, bool Overdue, IReadOnlyList<TableResult> Tables, string? Error)
{
    /// <summary>An erasure's tombstones (GET /api/privacy/requests/{id} only): how many ids it wrote one for, and when.</summary>
    public RequestTombstones? Tombstones { get; init; }
}

/// <summary>The tombstones an erasure wrote: one per id of the subject, all at the time of the erasure.</summary>
public sealed record RequestTombstones(long Count, DateTimeOffset ErasedAt);

public sealed record TombstoneCountRow(long N, long ErasedS);

/// <summary>The answer to POST /api/privacy/requests.</summary>
public sealed record CreatedRequest(string Id, string Status, DateTimeOffset Due);

public sealed record MutationsRow(long Pending, string FailReason);

public sealed record TombstoneRow(string SiteId, string Subject, long ErasedAt);

[JsonSerializable(typeof(PrivacyRequest))]
[JsonSerializable(typeof(RequestView))]
[JsonSerializable(typeof(List<RequestView>))]
[JsonSerializable(typeof(CreatedRequest))]
[JsonSerializable(typeof(List<TableResult>))]
[JsonSerializable(typeof(RequestSubjectRow))]
[JsonSerializable(typeof(MutationsRow))]
[JsonSerializable(typeof(TombstoneRow))]
[JsonSerializable(typeof(TombstoneCountRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
public sealed partial class PrivacyRequestsJson : JsonSerializerContext;
