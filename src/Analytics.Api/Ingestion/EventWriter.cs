using System.Diagnostics;
using System.Text.Json;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestion;

/// <summary>
/// Moves spooled rows into ClickHouse in batches (by size and age) and commits the spool after each stored
/// batch. A failed insert is retried with backoff until ClickHouse is back; a retried or recovered batch is
/// first checked against the event ids ClickHouse already has, so nothing is written twice. Rows ClickHouse
/// refuses for good are moved to spool/dead-letter rather than blocking the queue. Stopping drains the spool.
/// </summary>
public sealed class EventWriter(
    Spool spool, IClickHouse clickHouse, IngestionMetrics metrics, IOptions<IngestionOptions> options,
    SchemaReady schemaReady, ILogger<EventWriter> logger) : BackgroundService
{
    static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    readonly IngestionOptions settings = options.Value;

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
                logger.LogError(e, "The event writer could not read or commit the spool; retrying in 5 s");
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
            logger.LogInformation("Writer stopped; {Rows} rows wait in the spool", spool.PendingRows);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Writer stopped before the spool was drained; {Rows} rows wait in the spool for the next start", spool.PendingRows);
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
                await StoreAsync(batch, ct);
            }
            catch
            {
                spool.Rewind(batch.Start); // not stored: it must be read again, never skipped by a later commit
                throw;
            }
            spool.Commit(batch);
        }
        return true;
    }

    async Task StoreAsync(SpoolBatch batch, CancellationToken ct)
    {
        var suspect = batch.Recovered;
        var backoff = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var written = suspect ? await InsertMissingAsync(batch, ct) : await InsertAllAsync(batch, ct);
                metrics.Written.Add(written);
                metrics.BatchSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                if (attempt > 1) logger.LogInformation("Stored a batch of {Rows} rows after {Attempts} attempts", batch.RowCount, attempt);
                return;
            }
            catch (ClickHouseException e)
            {
                metrics.InsertFailures.Add();
                suspect = true; // the failed attempt may have stored some rows
                logger.LogWarning("Insert of {Rows} rows failed (attempt {Attempt}); retrying in {Delay} ms: {Error}",
                    batch.RowCount, attempt, (int)backoff.TotalMilliseconds, e.Message);
            }
            if (attempt >= 3 && await EngineAnswersAsync(ct))
            {
                // ClickHouse is up but refuses the batch: isolate the rows it refuses instead of blocking the queue.
                try
                {
                    await InsertRowByRowAsync(batch, ct);
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

    async Task<int> InsertAllAsync(SpoolBatch batch, CancellationToken ct)
    {
        await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, batch.Rows, ct);
        return batch.RowCount;
    }

    async Task<int> InsertMissingAsync(SpoolBatch batch, CancellationToken ct)
    {
        var keys = Keys(batch);
        var stored = await StoredIdsAsync(keys, ct);
        var rows = batch.RowsWhere(i => !stored.Contains(keys[i].EventId), out var missing);
        metrics.Duplicates.Add(batch.RowCount - missing);
        if (missing > 0) await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, rows, ct);
        return missing;
    }

    static SpooledRowKey[] Keys(SpoolBatch batch) =>
        Enumerable.Range(0, batch.RowCount).Select(i => SpooledRowKey.Read(batch.Row(i))).ToArray();

    async Task<HashSet<Guid>> StoredIdsAsync(SpooledRowKey[] keys, CancellationToken ct)
    {
        var sites = keys.Select(k => k.SiteId).Distinct().ToList();
        var from = DateTimeOffset.FromUnixTimeSeconds(keys.Min(k => k.Ts));
        var to = DateTimeOffset.FromUnixTimeSeconds(keys.Max(k => k.Ts));
        var stored = new HashSet<Guid>();
        // Chunks keep the statement small; the site and time bounds let ClickHouse use the primary key.
        foreach (var chunk in keys.Select(k => k.EventId).Chunk(2000))
        {
            var json = await clickHouse.QueryJsonEachRowAsync(Sql.Query($"""
                SELECT toString(event_id) AS id FROM events
                WHERE site_id IN {SqlInList.Of(sites)} AND ts >= {from} AND ts <= {to} AND event_id IN {SqlInList.Of(chunk)}
                """), ct);
            foreach (var line in json.AsSpan().EnumerateLines())
                if (!line.IsWhiteSpace())
                    stored.Add(Guid.Parse(JsonDocument.Parse(line.ToString()).RootElement.GetProperty("id").GetString()!));
        }
        return stored;
    }

    async Task<bool> EngineAnswersAsync(CancellationToken ct)
    {
        try
        {
            await clickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT 1 AS ok"), ct);
            return true;
        }
        catch (ClickHouseException)
        {
            return false;
        }
    }

    async Task InsertRowByRowAsync(SpoolBatch batch, CancellationToken ct)
    {
        var keys = Keys(batch);
        var stored = await StoredIdsAsync(keys, ct);
        for (var i = 0; i < batch.RowCount; i++)
        {
            var row = batch.Row(i);
            if (stored.Contains(keys[i].EventId)) continue;
            var bytes = row.ToArray();
            try
            {
                await clickHouse.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, bytes, ct);
                metrics.Written.Add();
            }
            catch (ClickHouseException e)
            {
                if (!await EngineAnswersAsync(ct)) throw; // an outage, not a bad row: the batch is retried whole
                DeadLetter(bytes, e.Message);
            }
        }
    }

    void DeadLetter(byte[] row, string error)
    {
        var directory = Path.Combine(spool.Directory, "dead-letter");
        PrivateFiles.CreateDirectory(directory);
        var name = $"{DateTimeOffset.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}";
        PrivateFiles.WriteAllBytes(Path.Combine(directory, name + ".rowbinary"), row);
        PrivateFiles.WriteAllText(Path.Combine(directory, name + ".error.txt"), error);
        metrics.DeadLettered.Add();
        logger.LogError("ClickHouse refused a row for good; kept as {File}: {Error}", name, error);
    }
}
