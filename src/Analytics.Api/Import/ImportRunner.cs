using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Analytics.Ingestion;

namespace Analytics.Import;

/// <summary>What one import worker owns: its share of the answer and its rows on their way to the spool.</summary>
public sealed class ImportWorker(Spool spool, TimeSpan maxSpoolWait) : IDisposable
{
    public ImportReport Report { get; } = new();
    public ImportSink Sink { get; } = new(spool, maxSpoolWait);

    public void Add(EventRow row)
    {
        Sink.Add(row);
        Report.Imported++;
        Report.LinesRead++;
    }

    public void Dispose() => Sink.Dispose();
}

/// <summary>Turns one line into a row (<see cref="ImportWorker.Add"/>) or a skip (<see cref="ImportReport.Skip"/>); called on several threads at once.</summary>
public delegate void LineProcessor(ReadOnlySpan<byte> line, long lineNumber, ImportWorker worker);

/// <summary>
/// Runs an import: one reader splits the streamed body into blocks of lines, a few workers (one per core but one, at
/// most four) parse, validate and enrich them and spool their rows in chunks. Memory stays bounded: a few blocks in
/// flight, whatever the size of the upload. Rows are spooled in no particular order; the counts are exact.
/// </summary>
public static class ImportRunner
{
    const int BlockBytes = 256 * 1024;
    // One core stays for the reader and the ClickHouse writer: on 2 cores, a second worker measured slower, not faster.
    static readonly int Workers = Math.Clamp(Environment.ProcessorCount - 1, 1, 4);

    public static async Task<(ImportReport Report, Exception? BodyError)> RunAsync(
        PipeReader body, int maxLineBytes, LineProcessor process, Spool spool, TimeSpan maxSpoolWait, CancellationToken ct)
    {
        var blocks = Channel.CreateBounded<LineBlock>(new BoundedChannelOptions(Workers * 2) { SingleWriter = true });
        var workers = Enumerable.Range(0, Workers).Select(_ => new ImportWorker(spool, maxSpoolWait)).ToList();
        var report = new ImportReport(); // the reader's own: lines too long to read
        Exception? bodyError = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct); // a failed worker stops the reader, not a deadlock on a full channel
        try
        {
            var running = workers.Select(w => Task.Run(() => WorkAsync(blocks.Reader, w, process, stop), ct)).ToList();
            var block = new LineBlock();
            try
            {
                await LineReader.ReadAsync(body, maxLineBytes,
                    (line, number) => block.Add(line, number),
                    number => report.Skip(number, SkipReason.Malformed, null, $"longer than {maxLineBytes} bytes"),
                    async () =>
                    {
                        if (block.Bytes < BlockBytes) return;
                        await blocks.Writer.WriteAsync(block, stop.Token);
                        block = new LineBlock();
                    }, stop.Token);
                if (block.Count > 0) await blocks.Writer.WriteAsync(block, stop.Token);
                else block.Dispose();
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                block.Dispose(); // a worker failed: its exception is thrown below
            }
            catch (InvalidDataException e)
            {
                bodyError = e; // a broken gzip stream: what was read is still imported, the answer says so
                block.Dispose();
            }
            finally
            {
                blocks.Writer.TryComplete();
            }
            await Task.WhenAll(running);
            foreach (var worker in workers)
            {
                await worker.Sink.FlushAsync(all: true, ct);
                report.Merge(worker.Report);
            }
            return (report, bodyError);
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
            while (blocks.Reader.TryRead(out var left)) left.Dispose();
        }
    }

    static async Task WorkAsync(ChannelReader<LineBlock> blocks, ImportWorker worker, LineProcessor process, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var block in blocks.ReadAllAsync(stop.Token))
            {
                using (block) block.Process(process, worker);
                await worker.Sink.FlushAsync(all: false, stop.Token);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stop.CancelAsync();
            throw;
        }
    }

    /// <summary>Lines copied out of the read buffer (which the reader reuses) with their line numbers.</summary>
    sealed class LineBlock : IDisposable
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(BlockBytes + 4096);
        readonly List<(int Start, int Length, long Number)> lines = new(1024);

        public int Bytes { get; private set; }
        public int Count => lines.Count;

        public void Add(ReadOnlySpan<byte> line, long number)
        {
            if (Bytes + line.Length > bytes.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length * 2, Bytes + line.Length));
                bytes.AsSpan(0, Bytes).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(bytes);
                bytes = bigger;
            }
            line.CopyTo(bytes.AsSpan(Bytes));
            lines.Add((Bytes, line.Length, number));
            Bytes += line.Length;
        }

        public void Process(LineProcessor process, ImportWorker worker)
        {
            foreach (var (start, length, number) in lines) process(bytes.AsSpan(start, length), number, worker);
        }

        public void Dispose()
        {
            if (bytes.Length == 0) return;
            ArrayPool<byte>.Shared.Return(bytes);
            bytes = [];
        }
    }
}
