using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Sites;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Privacy.Retention;

/// <summary>What one run removed from one table for one site: rows in dropped partitions and rows deleted.</summary>
public sealed record TableRemoval(string Table, long Dropped, long Deleted)
{
    public long Total => Dropped + Deleted;
}

/// <summary>
/// One retention run over every personal table with a time column (<see cref="PersonalDataRegistry"/>): a row goes once
/// its UTC day is more than the site's <c>retention_days</c> before today. Day granularity on purpose: a run that finds
/// nothing older starts no mutation, so an hourly job rewrites a table at most once a day per site, not every hour.
/// </summary>
public sealed partial class RetentionJob(IClickHouse clickHouse, SiteStore sites, PrivacyAudit audit, RetentionRuns runs,
    IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger)
{
    /// <summary>Runs retention now; answers what was removed per site.</summary>
    public async Task<IReadOnlyDictionary<string, List<TableRemoval>>> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var cutoffs = sites.All.Where(s => s.RetentionDays > 0).ToDictionary(s => s.Id, s => today.AddDays(-s.RetentionDays));
        var removed = cutoffs.Keys.ToDictionary(id => id, _ => new List<TableRemoval>());
        if (cutoffs.Count == 0) return removed;

        foreach (var table in PersonalDataRegistry.PersonalTables)
        {
            if (table.TimeColumn is not { } column) continue;
            var dropped = await DropPartitionsAsync(table.Table, column, cutoffs.Values.Min(), ct);
            var deleted = await DeleteAsync(table.Table, column, cutoffs, ct);
            foreach (var site in cutoffs.Keys)
            {
                var removal = new TableRemoval(table.Table, dropped.GetValueOrDefault(site), deleted.GetValueOrDefault(site));
                if (removal.Total > 0) removed[site].Add(removal);
            }
        }

        foreach (var (site, tables) in removed)
        {
            if (tables.Count == 0) continue;
            var detail = string.Join(", ", tables.Select(t => $"{t.Table}: {t.Total} rows ({t.Dropped} in dropped partitions)"));
            logger.LogInformation("Retention removed from site {Site}: {Detail}", site, detail);
            await audit.RecordSystemAsync(new AuditEntry(site, "retention.run", "completed", Detail: detail), ct);
        }
        await runs.RecordAsync(removed.ToDictionary(r => r.Key, r => r.Value.Sum(t => t.Total)), now, ct);
        return removed;
    }

    /// <summary>
    /// Drops the monthly partitions (toYYYYMM of the time column) that are past retention for EVERY site: partitions hold
    /// the rows of all sites, so one site's short retention must never take another site's rows. With the longest
    /// retention as the bound (not just the sites that have rows in the partition), rows arriving late for any site
    /// (an import of old events) are past that site's retention too, so no check-then-drop race can take a row too early.
    /// A partition's month ends one day later than its UTC month, for a server whose time zone is not UTC.
    /// </summary>
    async Task<Dictionary<string, long>> DropPartitionsAsync(string table, string column, DateOnly earliestCutoff, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>();
        if (!await IsMonthlyAsync(table, column, ct)) return counts;
        var partitions = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT DISTINCT partition FROM {clickHouse.SystemTable("parts")}
            WHERE database = {clickHouse.Database} AND table = {clickHouse.StoredTable(table)} AND active ORDER BY partition
            """), RetentionJson.Default.PartitionRow, ct);
        foreach (var partition in partitions)
        {
            if (!int.TryParse(partition.Partition, NumberStyles.None, CultureInfo.InvariantCulture, out var month) || month < 197001) continue;
            var monthEnd = new DateOnly(month / 100, month % 100, 1).AddMonths(1).AddDays(1);
            if (monthEnd > earliestCutoff) continue;
            var rows = await clickHouse.QueryListAsync(Sql.Query($"""
                SELECT site_id, count() AS n FROM {new SqlIdentifier(table)} WHERE toYYYYMM({new SqlIdentifier(column)}) = {month} GROUP BY site_id
                """), RetentionJson.Default.SiteCountRow, ct);
            // Counted just before the drop: a row written into so old a month in between goes uncounted (it was past every retention).
            await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(table)} DROP PARTITION {month}"), ct);
            foreach (var row in rows) counts[row.SiteId] = counts.GetValueOrDefault(row.SiteId) + row.N;
        }
        return counts;
    }

    /// <summary>
    /// Deletes each site's rows older than its own cutoff, one mutation per table for all sites (a mutation rewrites the
    /// parts it touches; one per site would rewrite them once per site), then waits until ClickHouse has applied it.
    /// </summary>
    async Task<Dictionary<string, long>> DeleteAsync(string table, string column, IReadOnlyDictionary<string, DateOnly> cutoffs, CancellationToken ct)
    {
        var isDate = await IsDateColumnAsync(table, column, ct);
        var name = new SqlIdentifier(table);
        var older = Older(cutoffs, new SqlIdentifier(column), isDate);
        var counts = (await clickHouse.QueryListAsync(Sql.Query($"SELECT site_id, count() AS n FROM {name} WHERE {older} GROUP BY site_id"),
            RetentionJson.Default.SiteCountRow, ct)).Where(r => r.N > 0).ToDictionary(r => r.SiteId, r => r.N);
        if (counts.Count == 0) return counts;
        var toDelete = Older(cutoffs.Where(c => counts.ContainsKey(c.Key)).ToDictionary(), new SqlIdentifier(column), isDate);
        await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {name} DELETE WHERE {toDelete}"), ct);
        await WaitForMutationsAsync(table, ct);
        return counts;
    }

    /// <summary><c>(site_id = 'a' AND ts &lt; cutoff_a) OR …</c>: a DateTime is compared in Unix seconds, a Date as a day.</summary>
    static Sql Older(IReadOnlyDictionary<string, DateOnly> cutoffs, SqlIdentifier column, bool isDate)
    {
        var condition = Sql.Query($"0");
        foreach (var (site, day) in cutoffs)
        {
            var bound = isDate ? Sql.Query($"{day}") : Sql.Query($"{new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)}");
            condition = Sql.Query($"{condition} OR (site_id = {site} AND {column} < {bound})");
        }
        return condition;
    }

    async Task WaitForMutationsAsync(string table, CancellationToken ct)
    {
        var deadline = time.GetUtcNow().AddSeconds(options.Value.RetentionMutationTimeoutSeconds);
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var pending = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
                SELECT count() AS n FROM {clickHouse.SystemTable("mutations")}
                WHERE database = {clickHouse.Database} AND table = {clickHouse.StoredTable(table)} AND is_done = 0
                """), StorageJson.Default.CountRow, ct);
            if (pending is null || pending.N == 0) return;
            if (time.GetUtcNow() > deadline)
                throw new TimeoutException($"The retention delete on {table} was not done after {options.Value.RetentionMutationTimeoutSeconds} s.");
            await Task.Delay(pause, time, ct);
            if (pause < TimeSpan.FromSeconds(2)) pause *= 2;
        }
    }

    /// <summary>Whether the table is partitioned by the month of its time column, as its CREATE statement says.</summary>
    async Task<bool> IsMonthlyAsync(string table, string column, CancellationToken ct)
    {
        var create = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SHOW CREATE TABLE {new SqlIdentifier(clickHouse.StoredTable(table))}"), RetentionJson.Default.StatementRow, ct);
        var match = PartitionBy().Match(create?.Statement ?? "");
        return match.Success && match.Groups[1].Value == column;
    }

    async Task<bool> IsDateColumnAsync(string table, string column, CancellationToken ct)
    {
        var type = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT type FROM system.columns WHERE database = currentDatabase() AND table = {table} AND name = {column}
            """), RetentionJson.Default.TypeRow, ct);
        return type?.Type == "Date";
    }

    [GeneratedRegex(@"PARTITION BY toYYYYMM\(\s*`?(\w+)`?\s*\)")]
    private static partial Regex PartitionBy();
}
