using System.Buffers;
using System.IO.Pipelines;

namespace Analytics.Import;

/// <summary>One line of an upload, without its line break; valid only during the call.</summary>
public delegate void LineHandler(ReadOnlySpan<byte> line, long lineNumber);

/// <summary>
/// Splits a request body into lines as it arrives, so an upload of any size is never held in memory: at most one
/// read buffer and one line (a line longer than the limit is reported and skipped, not buffered).
/// </summary>
public static class LineReader
{
    /// <param name="onLine">Called for every line that is not blank.</param>
    /// <param name="onTooLong">Called once for a line past <paramref name="maxLineBytes"/>; the rest of it is skipped.</param>
    /// <param name="afterRead">Awaited after the lines of each read buffer (where the caller hands rows on).</param>
    public static async Task ReadAsync(PipeReader reader, int maxLineBytes, LineHandler onLine, Action<long> onTooLong,
        Func<ValueTask> afterRead, CancellationToken ct)
    {
        long lineNumber = 0;
        var skippingLongLine = false;
        byte[] joined = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                var buffer = result.Buffer;
                while (true)
                {
                    var newline = buffer.PositionOf((byte)'\n');
                    if (newline is null) break;
                    var line = buffer.Slice(0, newline.Value);
                    buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                    lineNumber++;
                    if (skippingLongLine) { skippingLongLine = false; continue; } // the tail of a line already reported
                    if (line.Length > maxLineBytes) { onTooLong(lineNumber); continue; }
                    Handle(line, lineNumber, onLine, ref joined);
                }
                if (!skippingLongLine && buffer.Length > maxLineBytes)
                {
                    onTooLong(lineNumber + 1);
                    skippingLongLine = true;
                }
                if (skippingLongLine) buffer = buffer.Slice(buffer.End);
                if (result.IsCompleted)
                {
                    if (buffer.Length > 0) Handle(buffer, ++lineNumber, onLine, ref joined); // a last line without a line break
                    reader.AdvanceTo(buffer.End);
                    await afterRead();
                    return;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                await afterRead();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
            await reader.CompleteAsync();
        }
    }

    static void Handle(in ReadOnlySequence<byte> line, long lineNumber, LineHandler onLine, ref byte[] joined)
    {
        ReadOnlySpan<byte> span;
        if (line.IsSingleSegment) span = line.FirstSpan;
        else
        {
            if (joined.Length < line.Length)
            {
                ArrayPool<byte>.Shared.Return(joined);
                joined = ArrayPool<byte>.Shared.Rent((int)line.Length);
            }
            line.CopyTo(joined);
            span = joined.AsSpan(0, (int)line.Length);
        }
        if (span.Length > 0 && span[^1] == (byte)'\r') span = span[..^1];
        if (span.Trim((byte)' ').Length == 0) return; // blank lines are neither read nor counted
        onLine(span, lineNumber);
    }
}
