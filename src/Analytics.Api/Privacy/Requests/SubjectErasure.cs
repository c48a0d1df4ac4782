using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Privacy.Requests;

/// <summary>
/// The subject's rows, table by table of <see cref="PersonalDataRegistry"/>: resolve the ids, count, delete
/// (<c>ALTER TABLE … DELETE</c>, the same on both engines) and wait for the mutations in <c>system.mutations</c>
/// (on a cluster: the _local tables' mutations on every node, docs/cluster.md).
/// </summary>
public sealed class SubjectErasure(IClickHouse clickHouse, IOptions<PrivacyRequestOptions> options)
{
    /// <summary>The table of the requests' own ids: erased last, once every other table counts zero.</summary>
    public const string RequestSubjectsTable = "privacy_request_subjects";

    /// <summary>A customer id with every visitor id linked to it (identity links, the CRM profile), or a single visitor id.</summary>
    public async Task<Subject> ResolveAsync(string siteId, SubjectRef asked, CancellationToken ct)
    {
        if (asked.Key == SubjectKey.Visitor) return new Subject(siteId, asked, [], [asked.Id]);
        var visitors = await SubjectVisitors.OfCustomerAsync(clickHouse, siteId, asked.Id, ct);
        return new Subject(siteId, asked, [asked.Id], visitors);
    }

    public async Task<long> CountAsync(PersonalTable table, Subject subject, CancellationToken ct) =>
        (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT count() AS n FROM {new SqlIdentifier(table.Table)} WHERE {subject.RowsOf(table)}
            """), StorageJson.Default.CountRow, ct))?.N ?? 0;

    /// <summary>Starts the delete of the subject's rows of one table (a mutation: it runs on after this returns).</summary>
    public async Task DeleteAsync(PersonalTable table, Subject subject, CancellationToken ct)
    {
        await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(table.Table)} DELETE WHERE {subject.RowsOf(table)}"), ct);
        if (options.Value.StepDelay > TimeSpan.Zero) await Task.Delay(options.Value.StepDelay, ct);
    }

    /// <summary>Waits until no mutation of the table is left to do (ours and any other: a count after them is final).</summary>
    public async Task WaitForMutationsAsync(string table, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + options.Value.MutationTimeout;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var pending = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
                SELECT count() AS n FROM {clickHouse.SystemTable("mutations")}
                WHERE database = {clickHouse.Database} AND table = {clickHouse.StoredTable(table)} AND is_done = 0
                """), StorageJson.Default.CountRow, ct);
            if (pending is null || pending.N == 0) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The delete on {table} did not finish within {options.Value.MutationTimeout}.");
            await Task.Delay(pause, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }
}
