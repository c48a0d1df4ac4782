using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Analytics.Ingestion;

/// <summary>Where a frame starts or ends: a segment file number and a byte offset in it.</summary>
public readonly record struct SpoolPosition(long Segment, long Offset) : IComparable<SpoolPosition>
{
    public int CompareTo(SpoolPosition other) => Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);
    public static bool operator <(SpoolPosition a, SpoolPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(SpoolPosition a, SpoolPosition b) => a.CompareTo(b) > 0;
}

public sealed class SpoolFullException(string message) : Exception(message);

/// <summary>
/// The append-only on-disk queue between a <c>202</c> and ClickHouse. An accepted request's rows are one frame,
/// written to the current segment before the answer, so they survive <c>kill -9</c> of the service and an
/// outage of ClickHouse. The writer reads frames in order and commits a checkpoint after each stored batch;
/// segments behind the checkpoint are deleted. Frame: [u32 length][u32 crc32][u8 layout][u32 rows]
/// [u32 × rows lengths][rows]. The layout is the row layout of the spool's <see cref="SpooledTable"/> that wrote
/// the frame; the writer, not the spool, decides what to do with each. A torn frame at the tail (a crash
/// mid-write, never acknowledged) is cut off at start. Bytes that fail their checksum in the middle are moved
/// to dead-letter, and reading resumes at the next frame whose length and checksum check out.
/// </summary>
public sealed class Spool : IDisposable
{
    const int HeaderBytes = SpoolFrames.HeaderBytes;
    const string SegmentSuffix = ".seg";

    readonly string directory;
    public string Directory => directory;
    readonly long maxBytes;
    readonly long segmentBytes;
    readonly ILogger logger;
    readonly byte layout; // the row layout of the frames this run appends
    readonly Dictionary<SpoolPosition, long> corruptRanges = []; // start → length of bytes set aside at recovery
    readonly object appendGate = new();
    readonly SemaphoreSlim dataAvailable = new(0);

    SafeFileHandle writeHandle = null!;
    readonly FileStream directoryLock;
    long writeSegment;
    long writeOffset;
    SpoolPosition writtenEnd;   // end of the last complete frame
    SpoolPosition readPosition; // next frame for the writer
    SpoolPosition committed;    // everything before is in ClickHouse
    long pendingBytes;
    long pendingRows;
    long unflushedWrites;
    int signaled; // 1 while a wake-up of the writer is pending, so appends do not pile up releases

    /// <summary>Frames before this position were spooled by an earlier run: ClickHouse may hold some of them already.</summary>
    public SpoolPosition RecoveredEnd { get; private set; }
    public long RecoveredRows { get; private set; }
    public long PendingBytes => Interlocked.Read(ref pendingBytes);
    public long PendingRows => Interlocked.Read(ref pendingRows);
    public long MaxBytes => maxBytes;
    public DeadLetters DeadLetters { get; }

    public Spool(string directory, long maxBytes, long segmentBytes, ILogger logger, byte layout)
    {
        this.directory = directory;
        this.layout = layout;
        DeadLetters = new DeadLetters(directory);
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.logger = logger;
        Storage.PrivateFiles.CreateDirectory(directory);
        directoryLock = LockDirectory(directory);
        Recover();
    }

    /// <summary>Two services on one spool would delete each other's segments: the second one stops at start instead.</summary>
    /// A restart may overlap with the predecessor's last seconds, so the lock is awaited briefly.
    static FileStream LockDirectory(string directory)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return Storage.PrivateFiles.Open(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
            catch (IOException e)
            {
                throw new IOException($"The spool {directory} is in use by another running service (one data directory, one service): {e.Message}", e);
            }
        }
    }

    string SegmentPath(long segment) => Path.Combine(directory, segment.ToString("D12") + SegmentSuffix);
    string CheckpointPath => Path.Combine(directory, "checkpoint");

    void Recover()
    {
        committed = ReadCheckpoint();
        var segments = System.IO.Directory.EnumerateFiles(directory, "*" + SegmentSuffix)
            .Select(p => long.TryParse(Path.GetFileNameWithoutExtension(p), out var n) ? n : -1)
            .Where(n => n >= 0).Order().ToList();
        foreach (var old in segments.Where(s => s < committed.Segment)) File.Delete(SegmentPath(old));
        segments.RemoveAll(s => s < committed.Segment);

        foreach (var segment in segments)
        {
            var start = segment == committed.Segment ? committed.Offset : 0;
            var (validEnd, validBytes, rows) = ScanSegment(segment, start);
            var length = new FileInfo(SegmentPath(segment)).Length;
            if (validEnd < length)
            {
                logger.LogWarning("Spool segment {Segment}: cut {Bytes} bytes of an incomplete frame (written by a run that stopped mid-write; never acknowledged)", segment, length - validEnd);
                using var handle = File.OpenHandle(SegmentPath(segment), FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.SetLength(handle, validEnd);
            }
            pendingBytes += validBytes;
            pendingRows += rows;
        }
        if (segments.Count == 0 && committed.Offset > 0) committed = new SpoolPosition(committed.Segment + 1, 0);
        readPosition = committed;
        RecoveredRows = pendingRows;
        // Appends of this run go to a fresh segment, after everything recovered.
        writeSegment = Math.Max(segments.Count > 0 ? segments[^1] + 1 : committed.Segment, committed.Segment);
        if (segments.Count == 0 && committed.Offset == 0 && File.Exists(SegmentPath(writeSegment))) writeSegment++;
        OpenWriteSegment(writeSegment);
        RecoveredEnd = writtenEnd;
        if (RecoveredRows > 0)
            logger.LogInformation("Spool holds {Rows} rows from an earlier run; they will be written, without duplicates", RecoveredRows);
    }

    SpoolPosition ReadCheckpoint()
    {
        if (!File.Exists(CheckpointPath)) return new SpoolPosition(0, 0);
        var parts = File.ReadAllText(CheckpointPath).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && long.TryParse(parts[0], out var s) && long.TryParse(parts[1], out var o)
            ? new SpoolPosition(s, o)
            : throw new InvalidDataException($"The spool checkpoint {CheckpointPath} is unreadable; move it aside to replay the whole spool.");
    }

    /// <summary>
    /// Checks every frame from <paramref name="start"/>. Bytes that fail the check with a valid frame after them are
    /// corruption (disk, a stray write): they go to dead-letter and are skipped, the frames after them are kept.
    /// Bytes that fail with no valid frame after them are the torn tail of a crash: the caller cuts them.
    /// </summary>
    (long ValidEnd, long ValidBytes, long Rows) ScanSegment(long segment, long start)
    {
        using var handle = File.OpenHandle(SegmentPath(segment), FileMode.Open, FileAccess.Read);
        var length = RandomAccess.GetLength(handle);
        var offset = start;
        long rows = 0, validBytes = 0;
        while (offset + HeaderBytes <= length)
        {
            if (SpoolFrames.Check(handle, offset, length) is { } frame)
            {
                rows += frame.Rows;
                validBytes += frame.Bytes;
                offset += frame.Bytes;
                continue;
            }
            if (SpoolFrames.NextValid(handle, offset + 1, length) is not { } next)
            {
                KeepCompleteTail(handle, segment, offset, length);
                break;
            }
            SetAside(handle, segment, offset, next);
            offset = next;
        }
        return (offset, validBytes, rows);
    }

    void SetAside(SafeFileHandle handle, long segment, long from, long to)
    {
        var name = $"segment{segment:D12}-offset{from}.corrupt";
        var bytes = new byte[to - from];
        RandomAccess.Read(handle, bytes, from);
        DeadLetters.Keep(name, bytes, $"Spool segment {segment}: {bytes.Length} bytes at offset {from} failed their checksum; " +
            "the frames after them were kept. These bytes may hold acknowledged rows that could not be read back.");
        corruptRanges[new SpoolPosition(segment, from)] = to - from;
        logger.LogError("Spool segment {Segment}: {Bytes} corrupt bytes at offset {Offset} set aside as dead-letter/{File}; the frames after them are kept",
            segment, bytes.Length, from, name);
    }

    /// <summary>A tail that holds a whole frame by its length, but a wrong checksum, was acknowledged: kept aside before the cut.</summary>
    void KeepCompleteTail(SafeFileHandle handle, long segment, long from, long length)
    {
        if (!SpoolFrames.DeclaresWholeFrame(handle, from, length)) return; // torn mid-write: never acknowledged
        var bytes = new byte[length - from];
        RandomAccess.Read(handle, bytes, from);
        var name = $"segment{segment:D12}-offset{from}.corrupt";
        DeadLetters.Keep(name, bytes, $"Spool segment {segment}: the last frame ({bytes.Length} bytes at offset {from}) is whole but fails its checksum.");
        logger.LogError("Spool segment {Segment}: the last frame ({Bytes} bytes at offset {Offset}) fails its checksum; set aside as dead-letter/{File}",
            segment, bytes.Length, from, name);
    }

    void OpenWriteSegment(long segment)
    {
        writeHandle?.Dispose();
        writeHandle = Storage.PrivateFiles.OpenHandle(SegmentPath(segment), FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        writeSegment = segment;
        writeOffset = RandomAccess.GetLength(writeHandle);
        writtenEnd = new SpoolPosition(segment, writeOffset);
    }

    /// <summary>Appends one frame of RowBinary rows; when it returns, the rows are in the OS and survive a kill of the service.</summary>
    public void Append(ReadOnlySpan<byte> rows, ReadOnlySpan<int> rowLengths)
    {
        var payloadLength = 5 + 4 * rowLengths.Length + rows.Length;
        var frameLength = HeaderBytes + payloadLength;
        var frame = ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            var span = frame.AsSpan(0, frameLength);
            var payload = span[HeaderBytes..];
            payload[0] = layout;
            BinaryPrimitives.WriteUInt32LittleEndian(payload[1..], (uint)rowLengths.Length);
            for (var i = 0; i < rowLengths.Length; i++)
                BinaryPrimitives.WriteUInt32LittleEndian(payload[(5 + 4 * i)..], (uint)rowLengths[i]);
            rows.CopyTo(payload[(5 + 4 * rowLengths.Length)..]);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payloadLength);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32.HashToUInt32(payload));

            lock (appendGate)
            {
                if (Interlocked.Read(ref pendingBytes) + frameLength > maxBytes)
                    throw new SpoolFullException($"The spool holds {PendingBytes} bytes not yet in ClickHouse (limit {maxBytes}).");
                if (writeOffset > 0 && writeOffset + frameLength > segmentBytes) OpenWriteSegment(writeSegment + 1);
                RandomAccess.Write(writeHandle, span, writeOffset);
                writeOffset += frameLength;
                writtenEnd = new SpoolPosition(writeSegment, writeOffset);
                Interlocked.Add(ref pendingBytes, frameLength);
                Interlocked.Add(ref pendingRows, rowLengths.Length);
                unflushedWrites++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
        if (Interlocked.Exchange(ref signaled, 1) == 0) dataAvailable.Release();
    }

    /// <summary>Forces appended frames to the disk (power loss); a kill of the process needs no fsync.</summary>
    public void FlushToDisk()
    {
        lock (appendGate)
        {
            if (unflushedWrites == 0) return;
            RandomAccess.FlushToDisk(writeHandle);
            unflushedWrites = 0;
        }
    }

    public async Task WaitForDataAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (HasUnread) return;
        await dataAvailable.WaitAsync(timeout, ct);
        Volatile.Write(ref signaled, 0);
    }

    bool HasUnread
    {
        get { lock (appendGate) return readPosition < writtenEnd; }
    }

    /// <summary>Reads whole frames from the read position, up to the row and byte limits (at least one frame).</summary>
    public SpoolBatch? ReadBatch(int maxRows, int maxBytes)
    {
        SpoolPosition end;
        lock (appendGate) end = writtenEnd;
        var batch = new SpoolBatch(readPosition, readPosition < RecoveredEnd);
        var position = readPosition;
        Span<byte> header = stackalloc byte[HeaderBytes];
        while (position < end && batch.RowCount < maxRows && batch.Rows.Length < maxBytes)
        {
            using var handle = File.OpenHandle(SegmentPath(position.Segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var segmentEnd = position.Segment == end.Segment ? end.Offset : RandomAccess.GetLength(handle);
            while (position.Offset + HeaderBytes <= segmentEnd && batch.RowCount < maxRows && batch.Rows.Length < maxBytes)
            {
                if (corruptRanges.TryGetValue(position, out var corrupt))
                {
                    position = position with { Offset = position.Offset + corrupt }; // set aside at recovery
                    continue;
                }
                RandomAccess.Read(handle, header, position.Offset);
                var payloadLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
                var payload = ArrayPool<byte>.Shared.Rent(payloadLength);
                try
                {
                    var span = payload.AsSpan(0, payloadLength);
                    RandomAccess.Read(handle, span, position.Offset + HeaderBytes);
                    batch.AddFrame(span);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(payload);
                }
                position = position with { Offset = position.Offset + HeaderBytes + payloadLength };
                batch.FrameBytes += HeaderBytes + payloadLength;
            }
            if (position.Offset >= segmentEnd && position.Segment < end.Segment)
                position = new SpoolPosition(position.Segment + 1, 0);
        }
        if (batch.RowCount == 0 && batch.FrameBytes == 0)
        {
            batch.Dispose();
            readPosition = position;
            return null;
        }
        batch.End = position;
        readPosition = position;
        return batch;
    }

    /// <summary>Rewinds to the start of a batch that could not be stored, so it is read again.</summary>
    public void Rewind(SpoolPosition start) => readPosition = start;

    /// <summary>Everything before <paramref name="end"/> is in ClickHouse: record it and free the segments behind it.</summary>
    public void Commit(SpoolBatch batch)
    {
        var temporary = CheckpointPath + ".tmp";
        Storage.PrivateFiles.WriteAllText(temporary, $"{batch.End.Segment} {batch.End.Offset}");
        File.Move(temporary, CheckpointPath, overwrite: true);
        committed = batch.End;
        Interlocked.Add(ref pendingBytes, -batch.FrameBytes);
        Interlocked.Add(ref pendingRows, -batch.RowCount);
        for (var segment = batch.Start.Segment; segment < committed.Segment; segment++)
            File.Delete(SegmentPath(segment));
    }

    public void Dispose()
    {
        lock (appendGate)
        {
            if (unflushedWrites > 0) RandomAccess.FlushToDisk(writeHandle);
            writeHandle.Dispose();
        }
        directoryLock.Dispose();
    }
}
