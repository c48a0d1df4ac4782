using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Privacy.Requests;

/// <summary>
/// Runs queued requests, one at a time, oldest first; a request left <c>running</c> by a stop or a crash is run again
/// from its stored state (its resolved ids, its counts), and every step is safe to repeat. docs/privacy.md "Requests".
/// </summary>
public sealed class PrivacyRequestRunner(
    PrivacyRequestStore store, SubjectErasure erasure, Tombstones tombstones, DeadLetterErasure deadLetters, PrivacyAudit audit, SchemaReady schemaReady,
    IOptions<PrivacyRequestOptions> options, ILogger<PrivacyRequestRunner> logger) : BackgroundService
{
    const int DeleteRounds = 3;
    readonly SemaphoreSlim wake = new(0);

    /// <summary>A request was queued: look now rather than at the next poll.</summary>
    public void Wake()
    {
        if (wake.CurrentCount == 0) wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schemaReady.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var request in await store.OpenAsync(stoppingToken)) await RunOrFailAsync(request, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break; // a running request stays "running" and resumes at the next start
            }
            catch (ClickHouseException e)
            {
                logger.LogWarning("Privacy requests wait for ClickHouse: {Error}", e.Message);
            }
            try
            {
                await wake.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>An outage leaves the request as it is (it resumes); any other error fails it rather than stopping the runner for good.</summary>
    async Task RunOrFailAsync(PrivacyRequest request, CancellationToken ct)
    {
        try
        {
            await RunAsync(request, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ClickHouseException))
        {
            logger.LogError(e, "Privacy request {RequestId} failed", request.RequestId);
            await FinishAsync(request, null, RequestStatuses.Failed, request.TableResults, e.Message, ct);
        }
    }

    async Task RunAsync(PrivacyRequest request, CancellationToken ct)
    {
        if (await store.SubjectAsync(request, ct) is not { } ids)
        {
            // Only an erasure removes a request's ids: this one's own last step (then every table was verified), or another's.
            var verified = request.Type == RequestTypes.Erasure && request.TableResults.Count > 0 && request.TableResults.All(t => t.Remaining == 0);
            await FinishAsync(request, null, verified ? RequestStatuses.Completed : RequestStatuses.Failed, request.TableResults,
                verified ? "" : "The subject's ids were removed by an erasure before this request ran.", ct);
            return;
        }
        var asked = PrivacyRequestStore.Asked(request, ids);
        if (request.Status == RequestStatuses.Queued) request = await store.UpdateAsync(request, RequestStatuses.Running, null, "", ct);
        try
        {
            var subject = ids.Resolved == 1 ? new Subject(request.SiteId, asked, ids.CustomerIds, ids.VisitorIds) : await ResolveAsync(request, asked, ct);
            var found = request.TableResults.Count == PersonalDataRegistry.PersonalTables.Count ? request.TableResults : await CountAllAsync(subject, ct);
            if (request.TableResults.Count == 0) request = await store.UpdateAsync(request, RequestStatuses.Running, found, "", ct);
            if (request.Type == RequestTypes.Access)
            {
                await FinishAsync(request, asked, RequestStatuses.Completed, found, "", ct);
                return;
            }
            await EraseAsync(request, subject, found, ct);
        }
        catch (TimeoutException e)
        {
            await FinishAsync(request, asked, RequestStatuses.Failed, request.TableResults, e.Message, ct);
        }
    }

    async Task<Subject> ResolveAsync(PrivacyRequest request, SubjectRef asked, CancellationToken ct)
    {
        var subject = await erasure.ResolveAsync(request.SiteId, asked, ct);
        await store.SaveSubjectAsync(request.RequestId, subject, resolved: true, ct);
        return subject;
    }

    async Task<List<TableResult>> CountAllAsync(Subject subject, CancellationToken ct)
    {
        var results = new List<TableResult>();
        foreach (var table in PersonalDataRegistry.PersonalTables) results.Add(new TableResult(table.Table, await erasure.CountAsync(table, subject, ct)));
        return results;
    }

    /// <summary>
    /// Tombstones first (from then on no writer stores the subject's earlier rows), then every table but the request ids,
    /// counted again once the mutations are done; a row that an insert in flight brought in meanwhile gets another round.
    /// The requests' ids go last, only when everything else counts zero.
    /// </summary>
    async Task EraseAsync(PrivacyRequest request, Subject subject, IReadOnlyList<TableResult> found, CancellationToken ct)
    {
        var erasedAt = await tombstones.AddAsync(subject, request.RequestId, ct);
        var deadLettersRemoved = deadLetters.Erase(subject, erasedAt);
        if (deadLettersRemoved > 0)
            logger.LogInformation("Privacy request {RequestId}: {Rows} rows of the subject removed from dead-letter files", request.RequestId, deadLettersRemoved);
        var tables = PersonalDataRegistry.PersonalTables.Where(t => t.Table != SubjectErasure.RequestSubjectsTable).ToList();
        var remaining = tables.ToDictionary(t => t.Table, _ => -1L);
        for (var round = 1; round <= DeleteRounds && remaining.Values.Any(n => n != 0); round++)
        {
            var todo = tables.Where(t => remaining[t.Table] != 0).ToList();
            foreach (var table in todo) await erasure.DeleteAsync(table, subject, ct);
            foreach (var table in todo)
            {
                await erasure.WaitForMutationsAsync(table.Table, ct);
                remaining[table.Table] = await erasure.CountAsync(table, subject, ct);
            }
        }
        var results = found.Select(f => remaining.TryGetValue(f.Table, out var left)
            ? f with { Deleted = Math.Max(0, f.Found - left), Remaining = left }
            : f).ToList();
        if (remaining.Values.Any(n => n != 0))
        {
            var left = string.Join(", ", remaining.Where(r => r.Value != 0).Select(r => $"{r.Key}: {r.Value}"));
            await FinishAsync(request, subject.Asked, RequestStatuses.Failed, results, $"Rows remain after {DeleteRounds} rounds of deletes: {left}.", ct);
            return;
        }
        var requestIds = PersonalDataRegistry.Find(SubjectErasure.RequestSubjectsTable)!;
        // Recorded before the ids go: a restart that finds them gone knows every other table was verified.
        results = results.Select(r => r.Table == requestIds.Table ? r with { Deleted = r.Found, Remaining = 0 } : r).ToList();
        request = await store.UpdateAsync(request, RequestStatuses.Running, results, "", ct);
        await erasure.DeleteAsync(requestIds, subject, ct);
        await erasure.WaitForMutationsAsync(requestIds.Table, ct);
        var idsLeft = await erasure.CountAsync(requestIds, subject, ct);
        results = results.Select(r => r.Table == requestIds.Table ? r with { Deleted = Math.Max(0, r.Found - idsLeft), Remaining = idsLeft } : r).ToList();
        await FinishAsync(request, subject.Asked, idsLeft == 0 ? RequestStatuses.Completed : RequestStatuses.Failed, results,
            idsLeft == 0 ? "" : $"Rows remain: {requestIds.Table}: {idsLeft}.", ct, deadLettersRemoved > 0 ? $"; dead letters: {deadLettersRemoved} removed" : "");
    }

    async Task FinishAsync(PrivacyRequest request, SubjectRef? asked, string status, IReadOnlyList<TableResult> results, string error, CancellationToken ct,
        string more = "")
    {
        await store.UpdateAsync(request, status, results, error, ct);
        var detail = string.Join("; ", results.Select(r => r.Remaining is null ? $"{r.Table}: {r.Found} found"
            : $"{r.Table}: {r.Found} found, {r.Deleted} deleted, {r.Remaining} remaining")) + more;
        await audit.RecordSystemAsync(new AuditEntry(request.SiteId, $"request.{request.Type}", status, request.RequestId, asked, detail), ct);
        logger.LogInformation("Privacy request {RequestId} ({Type}) {Status}", request.RequestId, request.Type, status);
    }
}
