using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Import;

/// <summary>
/// Collects the rows of an import and hands them to the spool in frames of <see cref="ChunkRows"/>, the way collect
/// does per request. A full spool makes the import wait for the writer (back-pressure) instead of failing it.
/// </summary>
public sealed class ImportSink(Spool spool, TimeSpan maxWait) : IDisposable
{
    public const int ChunkRows = 1000;

    readonly RowBinaryWriter rows = new(ChunkRows * 600);
    readonly List<int> lengths = new(ChunkRows * 2);

    public int PendingRows => lengths.Count;

    public void Add(EventRow row)
    {
        var start = rows.Length;
        row.Write(rows);
        lengths.Add(rows.Length - start);
    }

    /// <summary>Spools full chunks now; with <paramref name="all"/>, the last partial chunk too.</summary>
    public async ValueTask FlushAsync(bool all, CancellationToken ct)
    {
        if (lengths.Count == 0 || (!all && lengths.Count < ChunkRows)) return;
        var offset = 0;
        var index = 0;
        while (index < lengths.Count && (all || lengths.Count - index >= ChunkRows))
        {
            var count = Math.Min(ChunkRows, lengths.Count - index);
            var bytes = 0;
            for (var i = index; i < index + count; i++) bytes += lengths[i];
            await AppendAsync(offset, bytes, index, count, ct);
            offset += bytes;
            index += count;
        }
        // Keep the rest (less than a chunk) at the start of the buffer.
        var restBytes = rows.Length - offset;
        if (restBytes > 0)
        {
            var rest = rows.WrittenSpan[offset..].ToArray();
            rows.Clear();
            rows.Bytes(rest);
        }
        else rows.Clear();
        lengths.RemoveRange(0, index);
    }

    async ValueTask AppendAsync(int offset, int bytes, int index, int count, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + maxWait;
        while (true)
        {
            try
            {
                spool.Append(rows.WrittenSpan.Slice(offset, bytes), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(lengths).Slice(index, count));
                return;
            }
            catch (SpoolFullException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct); // the writer drains the spool into ClickHouse meanwhile
            }
        }
    }

    public void Dispose() => rows.Dispose();
}
