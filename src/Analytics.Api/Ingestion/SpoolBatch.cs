using System.Buffers.Binary;
using Analytics.Storage;

namespace Analytics.Ingestion;

/// <summary>Rows read from the spool for one insert: their RowBinary bytes back to back, where each row starts, and its layout.</summary>
public sealed class SpoolBatch(SpoolPosition start, bool recovered) : IDisposable
{
    readonly RowBinaryWriter rows = new(64 * 1024);
    readonly List<(int Offset, int Length, byte Layout)> rowSpans = [];
    readonly List<byte> layouts = [];

    public SpoolPosition Start { get; } = start;
    public SpoolPosition End { get; internal set; }
    /// <summary>Spooled by an earlier run: ClickHouse may already hold some of these rows.</summary>
    public bool Recovered { get; } = recovered;
    public long FrameBytes { get; internal set; }
    public int RowCount => rowSpans.Count;
    public ReadOnlyMemory<byte> Rows => rows.Written;

    internal void AddFrame(ReadOnlySpan<byte> payload)
    {
        var layout = payload[0];
        if (!layouts.Contains(layout)) layouts.Add(layout);
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]);
        var offset = 5 + 4 * count;
        for (var i = 0; i < count; i++)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[(5 + 4 * i)..]);
            rowSpans.Add((rows.Length, length, layout));
            rows.Bytes(payload.Slice(offset, length));
            offset += length;
        }
    }

    public byte Layout(int index) => rowSpans[index].Layout;

    /// <summary>The layouts of the batch's rows, in the order they first appear.</summary>
    public IReadOnlyList<byte> Layouts => layouts;

    public ReadOnlySpan<byte> Row(int index) => rows.WrittenSpan.Slice(rowSpans[index].Offset, rowSpans[index].Length);

    /// <summary>The rows whose index <paramref name="keep"/> accepts, back to back (the rest are already stored).</summary>
    public byte[] RowsWhere(Func<int, bool> keep, out int kept)
    {
        using var subset = new RowBinaryWriter(rows.Length);
        kept = 0;
        for (var i = 0; i < rowSpans.Count; i++)
        {
            if (!keep(i)) continue;
            subset.Bytes(Row(i));
            kept++;
        }
        return subset.WrittenSpan.ToArray();
    }

    public void Dispose() => rows.Dispose();
}
