using System.Diagnostics;
using System.Text.Json;
using Analytics.Observability;
using Analytics.Storage;

namespace Analytics.Ingestion;

/// <summary>The numbers of one writer: what reached its table, what was skipped as already stored, what was set aside.</summary>
public sealed record SpoolWriterMetrics(Counter Written, Counter Duplicates, Counter InsertFailures, Counter DeadLettered, Histogram BatchSeconds);

/// <summary>
/// Moves the rows of one <see cref="SpooledTable"/>'s spool into ClickHouse in batches (by size and age) and
/// commits the spool after each stored batch. One writer runs per spooled table (events, consents), each on its own
/// spool directory. A failed insert is retried with backoff until ClickHouse is back; a retried or recovered batch
/// is first checked against the ids ClickHouse already has, so nothing is written twice. Each frame's rows are
/// inserted with the column list of the layout they were spooled with, so frames of an older release get the
/// defaults of columns added since; frames of a layout this build does not know (a newer release's, after a
/// downgrade), and rows ClickHouse refuses for good, are moved to spool/dead-letter rather than blocking the queue.
/// Stopping drains the spool.
/// </summary>
public sealed class SpoolWriter(
    SpooledTable table, Spool spool, IClickHouse clickHouse, SpoolWriterMetrics metrics, IngestionOptions settings,
    SchemaReady schemaReady, ILogger<SpoolWriter> logger, ISpoolInsertHook? insertHook = null, ISpoolRowFilter? rowFilter = null) : BackgroundService
{
    static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The last store was interrupted (a stop cancelled it, or it threw) and its rows rewound: the insert may have reached
    /// ClickHouse all the same, so the next batch, read again from the same start, inserts only the rows not stored yet.
    /// A stop during an insert into events (whose materialized view makes the insert last longer than the rows take to
    /// become visible) otherwise stored the batch twice: once by the cancelled insert, once by the drain.
    /// </summary>
    bool interrupted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schemaReady.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await spool.WaitForDataAsync(TimeSpan.FromSeconds(1), stoppingToken);
                await WaitForFullBatchAsync(stoppingToken);
                await WriteOneBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // The spool itself failed (disk full, permissions): keep the service up, say why, try again.
                logger.LogError(e, "The {Table} writer could not read or commit the spool; retrying in 5 s", table.Name);
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5), stoppingToken)); // a stop ends the wait, not the loop's drain
            }
        }
        await DrainAsync();
    }

    /// <summary>On shutdown: store what is spooled while ClickHouse answers; what remains waits in the spool.</summary>
    async Task DrainAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await WriteAvailableAsync(deadline.Token);
            logger.LogInformation("The {Table} writer stopped; {Rows} rows wait in the spool", table.Name, spool.PendingRows);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("The {Table} writer stopped before the spool was drained; {Rows} rows wait in the spool for the next start", table.Name, spool.PendingRows);
        }
    }

    /// <summary>
    /// Few large inserts, not many small ones: each insert makes a part that ClickHouse must merge later, so the
    /// writer waits until a batch is full or its oldest row has waited FlushIntervalMs, under load as when idle.
    /// </summary>
    async Task WaitForFullBatchAsync(CancellationToken ct)
    {
        var deadline = Environment.TickCount64 + settings.FlushIntervalMs;
        while (spool.PendingRows < settings.BatchRows && Environment.TickCount64 < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10, Math.Max(1, deadline - Environment.TickCount64))), ct);
    }

    async Task WriteAvailableAsync(CancellationToken ct)
    {
        while (await WriteOneBatchAsync(ct)) { }
    }

    async Task<bool> WriteOneBatchAsync(CancellationToken ct)
    {
        if (spool.ReadBatch(settings.BatchRows, settings.BatchBytes) is not { } batch) return false;
        using (batch)
        {
            try
            {
                SetAsideUnknownLayouts(batch);
                await StoreAsync(batch, ct);
            }
            catch
            {
                interrupted = true;
                spool.Rewind(batch.Start); // maybe not stored: it must be read again, never skipped by a later commit
                throw;
            }
            interrupted = false;
            spool.Commit(batch);
        }
        return true;
    }

    /// <summary>Rows of a layout this build does not know cannot be inserted; waiting would block the queue forever.</summary>
    void SetAsideUnknownLayouts(SpoolBatch batch)
    {
        foreach (var layout in batch.Layouts.Where(l => !table.KnowsLayout(l)))
        {
            var rows = batch.RowsWhere(i => batch.Layout(i) == layout, out var count);
            var name = $"{table.Name}-{batch.Start.Segment:D12}-{batch.Start.Offset}.layout{layout}.rowbinary";
            spool.DeadLetters.Keep(name, rows, $"{count} {table.Name} rows of row layout {layout}, which this build does not know " +
                $"(it knows layouts 1 to {table.CurrentLayout}); written by a newer release. A build that knows layout {layout} can insert them.");
            metrics.DeadLettered.Add(count);
            logger.LogError("{Rows} {Table} rows in the spool have row layout {Layout}, unknown to this build (1 to {Current}); moved to dead-letter/{File}",
                count, table.Name, layout, table.CurrentLayout, name);
        }
    }

    async Task StoreAsync(SpoolBatch batch, CancellationToken ct)
    {
        if (!batch.Layouts.Any(table.KnowsLayout)) return;
        var suspect = batch.Recovered || interrupted;
        var backoff = TimeSpan.FromMilliseconds(100);
        bool[]? dropped = null; // asked again at every attempt: an erasure may have come meanwhile
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                dropped = rowFilter is null ? null : await rowFilter.RowsToDropAsync(table, batch, ct);
                var keys = insertHook is null ? null : Keys(batch).OfType<SpooledRowKey>().ToList();
                if (keys is not null) await insertHook!.RowsStoringAsync(keys, ct); // before: rows are never visible unmarked; a crash after the mark costs one extra refresh
                var written = suspect ? await InsertMissingAsync(batch, dropped, ct) : await InsertAllAsync(batch, dropped, ct);
                if (dropped is not null)
                    logger.LogInformation("Dropped {Rows} {Table} rows of erased subjects instead of storing them", dropped.Count(d => d), table.Name);
                if (keys is not null) await insertHook!.RowsStoringAsync(keys, ct); // after: an insert slower than the refresh's margin is marked once visible
                metrics.Written.Add(written);
                metrics.BatchSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                if (attempt > 1) logger.LogInformation("Stored a batch of {Rows} {Table} rows after {Attempts} attempts", batch.RowCount, table.Name, attempt);
                return;
            }
            catch (ClickHouseException e)
            {
                metrics.InsertFailures.Add();
                suspect = true; // the failed attempt may have stored some rows
                logger.LogWarning("Insert of {Rows} {Table} rows failed (attempt {Attempt}); retrying in {Delay} ms: {Error}",
                    batch.RowCount, table.Name, attempt, (int)backoff.TotalMilliseconds, e.Message);
            }
            if (attempt >= 3 && await EngineAnswersAsync(ct))
            {
                // ClickHouse is up but refuses the batch: isolate the rows it refuses instead of blocking the queue.
                try
                {
                    dropped = rowFilter is null ? null : await rowFilter.RowsToDropAsync(table, batch, ct);
                    await InsertRowByRowAsync(batch, dropped, ct);
                    return;
                }
                catch (ClickHouseException e)
                {
                    logger.LogWarning("Row-by-row insert interrupted: {Error}", e.Message);
                }
            }
            await Task.Delay(backoff, ct);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>One insert per layout in the batch (one in the common case), each with that layout's columns.</summary>
    async Task<int> InsertAllAsync(SpoolBatch batch, bool[]? dropped, CancellationToken ct)
    {
        if (dropped is not null) return await InsertWhereAsync(batch, i => !dropped[i], ct);
        if (batch.Layouts is [var only] && table.KnowsLayout(only))
        {
            await clickHouse.InsertRowBinaryAsync(table.Name, table.ColumnsOf(only), batch.Rows, ct);
            return batch.RowCount;
        }
        return await InsertWhereAsync(batch, _ => true, ct);
    }

    async Task<int> InsertMissingAsync(SpoolBatch batch, bool[]? dropped, CancellationToken ct)
    {
        var keys = Keys(batch);
        var stored = await StoredIdsAsync(keys, ct);
        var missing = await InsertWhereAsync(batch, i => !stored.Contains(keys[i]!.Value.EventId) && dropped?[i] != true, ct);
        metrics.Duplicates.Add(keys.Count(k => k is { } key && stored.Contains(key.EventId)));
        return missing;
    }

    async Task<int> InsertWhereAsync(SpoolBatch batch, Func<int, bool> keep, CancellationToken ct)
    {
        var written = 0;
        foreach (var layout in batch.Layouts.Where(table.KnowsLayout))
        {
            var rows = batch.RowsWhere(i => batch.Layout(i) == layout && keep(i), out var count);
            if (count == 0) continue;
            await clickHouse.InsertRowBinaryAsync(table.Name, table.ColumnsOf(layout), rows, ct);
            written += count;
        }
        return written;
    }

    /// <summary>The key of each row; null for rows of an unknown layout (they were set aside).</summary>
    SpooledRowKey?[] Keys(SpoolBatch batch) =>
        Enumerable.Range(0, batch.RowCount)
            .Select(i => table.KnowsLayout(batch.Layout(i)) ? table.ReadKey(batch.Row(i), batch.Layout(i)) : (SpooledRowKey?)null)
            .ToArray();

    async Task<HashSet<Guid>> StoredIdsAsync(SpooledRowKey?[] rowKeys, CancellationToken ct)
    {
        var stored = new HashSet<Guid>();
        var keys = rowKeys.OfType<SpooledRowKey>().ToList();
        if (keys.Count == 0) return stored;
        var sites = keys.Select(k => k.SiteId).Distinct().ToList();
        var from = DateTimeOffset.FromUnixTimeSeconds(keys.Min(k => k.Ts));
        var to = DateTimeOffset.FromUnixTimeSeconds(keys.Max(k => k.Ts));
        var (id, site, time) = (new SqlIdentifier(table.IdColumn), new SqlIdentifier(table.SiteColumn), new SqlIdentifier(table.TimeColumn));
        // Chunks keep the statement small; the site and time bounds let ClickHouse use the primary key.
        foreach (var chunk in keys.Select(k => k.EventId).Chunk(2000))
        {
            await foreach (var row in clickHouse.QueryAsync(Sql.Query($"""
                SELECT toString({id}) AS id FROM {new SqlIdentifier(table.Name)}
                WHERE {site} IN {SqlInList.Of(sites)} AND {time} >= {from} AND {time} <= {to} AND {id} IN {SqlInList.Of(chunk)}
                """), StoredEventsJson.Default.StoredEventId, ct))
                stored.Add(row.Id);
        }
        return stored;
    }

    async Task<bool> EngineAnswersAsync(CancellationToken ct)
    {
        try
        {
            await clickHouse.PingAsync(ct);
            return true;
        }
        catch (ClickHouseException)
        {
            return false;
        }
    }

    async Task InsertRowByRowAsync(SpoolBatch batch, bool[]? dropped, CancellationToken ct)
    {
        var keys = Keys(batch);
        var stored = await StoredIdsAsync(keys, ct);
        for (var i = 0; i < batch.RowCount; i++)
        {
            if (keys[i] is not { } key || stored.Contains(key.EventId) || dropped?[i] == true) continue;
            var bytes = batch.Row(i).ToArray();
            try
            {
                await clickHouse.InsertRowBinaryAsync(table.Name, table.ColumnsOf(batch.Layout(i)), bytes, ct);
                metrics.Written.Add();
            }
            catch (ClickHouseException e)
            {
                if (!await EngineAnswersAsync(ct)) throw; // an outage, not a bad row: the batch is retried whole
                DeadLetter(bytes, batch.Layout(i), e.Message);
            }
        }
    }

    void DeadLetter(byte[] row, byte layout, string error)
    {
        var name = spool.DeadLetters.Keep(DeadLetters.NewName($".layout{layout}.rowbinary"), row,
            $"{table.Name} ({string.Join(", ", table.ColumnsOf(layout))}): {error}");
        metrics.DeadLettered.Add();
        logger.LogError("ClickHouse refused a {Table} row for good; kept as {File}: {Error}", table.Name, name, error);
    }
}
