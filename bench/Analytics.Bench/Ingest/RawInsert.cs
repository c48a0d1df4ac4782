using System.Diagnostics;
using Analytics.Ingestion;
using Analytics.Storage;
using Analytics.Storage.Embedded;
using Analytics.Storage.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Bench.Ingest;

internal sealed record RawInsertResult(string Engine, long Rows, int Inserts, int BatchRows, double Seconds, double EncodeRowsPerSecond)
{
    public double RowsPerSecond => Rows / Seconds;
}

/// <summary>
/// Baseline B: the rows the service would store, already RowBinary-encoded, inserted straight through
/// <see cref="IClickHouse.InsertRowBinaryAsync"/> one batch after another, as the service's writer does:
/// the most the engine takes from this schema on this machine.
/// </summary>
internal static class RawInsert
{
    /// <summary>The embedded engine in this process, on its own temporary path (chDB: one data path a process).</summary>
    public static async Task<RawInsertResult> EmbeddedAsync(IReadOnlyList<byte[]> bodies, int rows, int batchRows)
    {
        var path = Directory.CreateTempSubdirectory("analytics-bench-raw-chdb-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(path);
        var options = new StorageOptions();
        await using var engine = new EmbeddedClickHouse(path, "analytics", options.EmbeddedConnections, options.EmbeddedSettings);
        return await MeasureAsync(engine, bodies, rows, batchRows);
        // The data path is deleted at exit: chDB keeps its files open while the engine lives (all process long).
    }

    static void DeleteQuietly(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { /* still held: the OS cleans temp */ }
    }

    /// <summary>A started ClickHouse server, in a database of its own.</summary>
    public static async Task<RawInsertResult> ServerAsync(string connectionString, IReadOnlyList<byte[]> bodies, int rows, int batchRows)
    {
        await using var engine = new ServerClickHouse(connectionString, "bench_raw");
        await engine.EnsureDatabaseAsync(CancellationToken.None);
        return await MeasureAsync(engine, bodies, rows, batchRows);
    }

    static async Task<RawInsertResult> MeasureAsync(IClickHouse engine, IReadOnlyList<byte[]> bodies, int rows, int batchRows)
    {
        await new SchemaMigrations(engine, NullLogger<SchemaMigrations>.Instance).ApplyAsync(CancellationToken.None);
        var inserts = Math.Max(1, rows / batchRows);
        var events = Workload.Rows(bodies, batchRows * (inserts + 1));

        var encoding = Stopwatch.StartNew();
        var batches = new List<byte[]>(inserts + 1);
        using (var writer = new RowBinaryWriter(batchRows * 512))
        {
            for (var b = 0; b <= inserts; b++)
            {
                writer.Clear();
                for (var i = b * batchRows; i < (b + 1) * batchRows; i++) events[i].Write(writer);
                batches.Add(writer.WrittenSpan.ToArray());
            }
        }
        var encodeRate = events.Count / encoding.Elapsed.TotalSeconds;

        await engine.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, batches[0]); // warm-up, not counted
        var clock = Stopwatch.StartNew();
        for (var b = 1; b <= inserts; b++)
            await engine.InsertRowBinaryAsync(EventRow.Table, EventRow.Columns, batches[b]);
        var seconds = clock.Elapsed.TotalSeconds;

        var stored = await engine.QueryJsonEachRowAsync(Sql.Query($"SELECT count() AS n FROM events"));
        var expected = (long)batchRows * (inserts + 1);
        if (!stored.Contains($"\"n\":{expected}") && !stored.Contains($"\"n\":\"{expected}\""))
            throw new InvalidOperationException($"The raw insert stored {stored.Trim()} rows, not {expected}");
        return new RawInsertResult(engine.Engine, (long)batchRows * inserts, inserts, batchRows, seconds, encodeRate);
    }
}
