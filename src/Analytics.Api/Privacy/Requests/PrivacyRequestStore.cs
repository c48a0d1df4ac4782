using System.Text.Json;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Storage;

namespace Analytics.Privacy.Requests;

/// <summary>
/// Requests in ClickHouse: <c>privacy_requests</c> (one row per state change, the highest version wins, read with
/// FINAL) and the subject's ids in <c>privacy_request_subjects</c> (migration 0014).
/// </summary>
public sealed class PrivacyRequestStore(IClickHouse clickHouse, PrivacyAudit audit, TimeProvider time)
{
    public static readonly TimeSpan DueAfter = TimeSpan.FromDays(30);

    static readonly Sql Columns = Sql.Query($"""
        request_id, site_id, type, subject, subject_key, reference, requested_by, toUInt32(received_at) AS received_at,
        toUInt32(due_at) AS due_at, status, tables, error, toUInt32(updated_at) AS updated_at, version
        """);

    public async Task<PrivacyRequest> CreateAsync(string siteId, string type, SubjectRef asked, string reference, string requestedBy, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var request = new PrivacyRequest(Guid.CreateVersion7().ToString("N"), siteId, type, audit.Pseudonym(asked), KeyName(asked.Key), reference,
            requestedBy, now, now + (long)DueAfter.TotalSeconds, RequestStatuses.Queued, "", "", now, NextVersion(0));
        // The ids first: a request row without them could never run.
        await SaveSubjectAsync(request.RequestId, new Subject(siteId, asked,
            asked.Key == SubjectKey.Customer ? [asked.Id] : [], asked.Key == SubjectKey.Visitor ? [asked.Id] : []), resolved: false, ct);
        await SaveAsync(request, ct);
        return request;
    }

    public static string KeyName(SubjectKey key) => key == SubjectKey.Customer ? "customer_id" : "visitor_id";

    public Task SaveAsync(PrivacyRequest r, CancellationToken ct) => clickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO privacy_requests (request_id, site_id, type, subject, subject_key, reference, requested_by, received_at, due_at,
            status, tables, error, updated_at, version)
        SELECT {r.RequestId}, {r.SiteId}, {r.Type}, {r.Subject}, {r.SubjectKey}, {r.Reference}, {r.RequestedBy},
            toDateTime({r.ReceivedAt}), toDateTime({r.DueAt}), {r.Status}, {r.Tables}, {r.Error}, toDateTime({r.UpdatedAt}), {r.Version}
        """), ct);

    /// <summary>The request with a new state: the next version, stamped now.</summary>
    public async Task<PrivacyRequest> UpdateAsync(PrivacyRequest r, string status, IReadOnlyList<TableResult>? tables, string error, CancellationToken ct)
    {
        var next = r with
        {
            Status = status,
            Tables = tables is null ? r.Tables : JsonSerializer.Serialize(tables.ToList(), PrivacyRequestsJson.Default.ListTableResult),
            Error = error,
            UpdatedAt = time.GetUtcNow().ToUnixTimeSeconds(),
            Version = NextVersion(r.Version),
        };
        await SaveAsync(next, ct);
        return next;
    }

    /// <summary>Later than any version written before, also by a step that read an older state (the clock in µs, else +1).</summary>
    ulong NextVersion(ulong previous)
    {
        var micros = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 + (ulong)Interlocked.Increment(ref sequence) % 1000;
        return Math.Max(previous + 1, micros);
    }

    long sequence;

    public Task<PrivacyRequest?> FindAsync(string requestId, CancellationToken ct) =>
        clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT {Columns} FROM privacy_requests FINAL WHERE request_id = {requestId}"),
            PrivacyRequestsJson.Default.PrivacyRequest, ct);

    /// <summary>A site's requests, optionally of one status, in <see cref="OpenAndOverdueFirst"/> order.</summary>
    public async Task<List<PrivacyRequest>> ListAsync(string siteId, string? status, CancellationToken ct)
    {
        var statusFilter = status is null ? Sql.Query($"") : Sql.Query($"AND status = {status}");
        var rows = await clickHouse.QueryListAsync(Sql.Query($"SELECT {Columns} FROM privacy_requests FINAL WHERE site_id = {siteId} {statusFilter}"),
            PrivacyRequestsJson.Default.PrivacyRequest, ct);
        return OpenAndOverdueFirst(rows, time.GetUtcNow().ToUnixTimeSeconds()).ToList();
    }

    /// <summary>What needs the officer first: open requests (overdue ones before the rest) by due date, then the closed, newest first.</summary>
    public static IEnumerable<PrivacyRequest> OpenAndOverdueFirst(IEnumerable<PrivacyRequest> requests, long now) => requests
        .OrderByDescending(r => RequestStatuses.IsOpen(r.Status))
        .ThenByDescending(r => r.IsOverdue(now))
        .ThenBy(r => RequestStatuses.IsOpen(r.Status) ? r.DueAt : -r.ReceivedAt)
        .ThenBy(r => r.RequestId, StringComparer.Ordinal);

    /// <summary>Every queued or running request of every site, oldest first: what the runner has to do.</summary>
    public Task<List<PrivacyRequest>> OpenAsync(CancellationToken ct) => clickHouse.QueryListAsync(Sql.Query($"""
        SELECT {Columns} FROM privacy_requests FINAL WHERE status IN ('queued', 'running') ORDER BY received_at, request_id
        """), PrivacyRequestsJson.Default.PrivacyRequest, ct);

    public Task SaveSubjectAsync(string requestId, Subject subject, bool resolved, CancellationToken ct) => clickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO privacy_request_subjects (request_id, site_id, customer_ids, visitor_ids, resolved, received_at)
        SELECT {requestId}, {subject.SiteId}, {subject.CustomerIds}, {subject.VisitorIds}, {resolved}, toDateTime({time.GetUtcNow().ToUnixTimeSeconds()})
        """), ct);

    /// <summary>The request's subject ids, resolved ones before the asked one; null once an erasure removed them.</summary>
    public Task<RequestSubjectRow?> SubjectAsync(PrivacyRequest r, CancellationToken ct) => clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
        SELECT request_id, site_id, customer_ids, visitor_ids, resolved FROM privacy_request_subjects
        WHERE site_id = {r.SiteId} AND request_id = {r.RequestId} ORDER BY resolved DESC LIMIT 1
        """), PrivacyRequestsJson.Default.RequestSubjectRow, ct);

    /// <summary>The id asked for, from the request's first subject row.</summary>
    public static SubjectRef Asked(PrivacyRequest r, RequestSubjectRow ids) => r.SubjectKey == "customer_id"
        ? new SubjectRef(SubjectKey.Customer, ids.CustomerIds[0])
        : new SubjectRef(SubjectKey.Visitor, ids.VisitorIds[0]);
}
