using System.Collections.Concurrent;
using Analytics.Ingestion;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Storage;

namespace Analytics.Privacy.Requests;

/// <summary>
/// Erased subjects (table <c>privacy_tombstones</c>, keyed pseudonyms only), checked by every spool writer before it
/// inserts: a row of an erased id dated at or before its erasure is dropped, so rows that waited in a spool during
/// the erasure (an outage, another node, a replayed dead letter) never reach storage. Rows dated after the erasure
/// are kept: the subject may come back, and what they do then is new data. Loaded from ClickHouse at the first check
/// and again every <see cref="ReloadInterval"/> (erasures on other nodes); this node's own are in force at once.
/// </summary>
public sealed class Tombstones(IClickHouse clickHouse, PrivacyAudit audit, TimeProvider time) : ISpoolRowFilter
{
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(30);

    readonly SemaphoreSlim loading = new(1, 1);
    readonly ConcurrentDictionary<(string Table, byte Layout), RowPlan> plans = new();
    volatile Dictionary<(string SiteId, string Subject), long> erased = [];
    long loadedAt = -1; // Environment.TickCount64 of the last load; -1: never

    /// <summary>Records every id of the subject as erased now; from here on no writer stores their earlier rows. Returns the time (Unix seconds).</summary>
    public async Task<long> AddAsync(Subject subject, string requestId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var pseudonyms = subject.Ids.Select(audit.Pseudonym).ToList();
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO privacy_tombstones (site_id, subject, erased_at, request_id)
            SELECT {subject.SiteId}, arrayJoin({pseudonyms}), toDateTime({now}), {requestId}
            """), ct);
        await loading.WaitAsync(ct);
        try
        {
            var next = new Dictionary<(string, string), long>(erased);
            foreach (var p in pseudonyms) next[(subject.SiteId, p)] = Math.Max(now, next.GetValueOrDefault((subject.SiteId, p)));
            erased = next;
        }
        finally { loading.Release(); }
        return now;
    }

    public async ValueTask<bool[]?> RowsToDropAsync(SpooledTable table, SpoolBatch batch, CancellationToken ct)
    {
        if (PersonalDataRegistry.Find(table.Name) is not { } personal) return null;
        await LoadIfStaleAsync(ct);
        var current = erased;
        if (current.Count == 0) return null;
        var latestErasure = new Dictionary<string, long>();
        foreach (var ((site, _), at) in current) latestErasure[site] = Math.Max(at, latestErasure.GetValueOrDefault(site));
        bool[]? drop = null;
        for (var i = 0; i < batch.RowCount; i++)
        {
            var layout = batch.Layout(i);
            if (!table.KnowsLayout(layout)) continue;
            var key = table.ReadKey(batch.Row(i), layout);
            // No HMAC for a row newer than the site's latest erasure (live traffic) or of a site without erasures.
            if (!latestErasure.TryGetValue(key.SiteId, out var latest) || key.Ts > latest) continue;
            var plan = plans.GetOrAdd((table.Name, layout), _ => RowPlan.For(table, personal, layout));
            foreach (var (id, subjectKey) in plan.Read(batch.Row(i)))
            {
                if (id.Length == 0) continue;
                if (current.TryGetValue((key.SiteId, audit.Pseudonym(new SubjectRef(subjectKey, id))), out var at) && key.Ts <= at)
                {
                    (drop ??= new bool[batch.RowCount])[i] = true;
                    break;
                }
            }
        }
        return drop;
    }

    async Task LoadIfStaleAsync(CancellationToken ct)
    {
        if (IsFresh()) return;
        await loading.WaitAsync(ct);
        try
        {
            if (IsFresh()) return;
            var rows = await clickHouse.QueryListAsync(Sql.Query($"""
                SELECT site_id, subject, toUInt32(max(erased_at)) AS erased_at FROM privacy_tombstones GROUP BY site_id, subject
                """), PrivacyRequestsJson.Default.TombstoneRow, ct);
            var next = rows.ToDictionary(r => (r.SiteId, r.Subject), r => r.ErasedAt);
            foreach (var (k, at) in erased) next[k] = Math.Max(at, next.GetValueOrDefault(k)); // an AddAsync racing the load
            erased = next;
            Interlocked.Exchange(ref loadedAt, Environment.TickCount64);
        }
        finally { loading.Release(); }
    }

    bool IsFresh()
    {
        var at = Interlocked.Read(ref loadedAt);
        return at >= 0 && Environment.TickCount64 - at < (long)ReloadInterval.TotalMilliseconds;
    }

    /// <summary>Where a layout's subject columns sit: the columns before each are skipped by type.</summary>
    sealed record RowPlan(string[] Types, (int Index, SubjectKey Key)[] Subjects)
    {
        public static RowPlan For(SpooledTable table, PersonalTable personal, byte layout)
        {
            var columns = table.Columns.Where(c => c.Since <= layout).ToList();
            var subjects = personal.SubjectColumns
                .Select(s => (Index: columns.FindIndex(c => c.Name == s.Column), s.Key, s.Column))
                .Where(s => s.Index >= 0)
                .Select(s => columns[s.Index].Type == "String" ? (s.Index, s.Key)
                    : throw new InvalidOperationException($"{table.Name}.{s.Column}: a spooled subject column must be a String."))
                .OrderBy(s => s.Index).ToArray();
            return new RowPlan(columns.Select(c => c.Type).ToArray(), subjects);
        }

        public List<(string Id, SubjectKey Key)> Read(ReadOnlySpan<byte> row)
        {
            var found = new List<(string, SubjectKey)>(Subjects.Length);
            if (Subjects.Length == 0) return found;
            var reader = new RowBinaryReader(row);
            var next = 0;
            for (var i = 0; i <= Subjects[^1].Index; i++)
            {
                if (i == Subjects[next].Index) found.Add((reader.String(), Subjects[next++].Key));
                else reader.Skip(Types[i]);
            }
            return found;
        }
    }
}
