using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Analytics.Bench.Ingest;

/// <summary>One collect case against the service: the load, and how long until the service had stored all of it.</summary>
internal sealed record CollectCase(
    LoadResult Load, double? AllWrittenAfterSeconds, long WrittenDuringLoad, long SpoolRowsAtLoadEnd, long AcceptedByService,
    long Inserts, double InsertSeconds, double ServiceCpuSeconds, double ClickHouseCpuSeconds, double MachineBusy)
{
    /// <summary>End to end: accepted events / time from load start until written == accepted.</summary>
    public double? WrittenEventsPerSecond => AllWrittenAfterSeconds is { } s ? Load.AcceptedEvents / s : null;
    public double RowsPerInsert => Inserts == 0 ? 0 : (double)AcceptedByService / Inserts;
    public double InsertSecondsAverage => Inserts == 0 ? 0 : InsertSeconds / Inserts;
    public double ServiceCores => ServiceCpuSeconds / Load.Seconds;
    public double ClickHouseCores => ClickHouseCpuSeconds / Load.Seconds;
    public double LoadGeneratorCores => Load.BenchCpuSeconds / Load.Seconds;
}

internal sealed record EngineResult(string Engine, CollectCase? One, CollectCase? Twenty, RawInsertResult? Raw, long ServicePeakRssBytes, string? Error);

internal sealed record IngestRun(
    DateTimeOffset At, int Cores, string Runtime, IngestBench.Settings Settings, LoadResult EmptyOne, LoadResult EmptyTwenty,
    IReadOnlyList<EngineResult> Engines)
{
    public const double CollectTarget = 0.50;
    public const double EndToEndTarget = 0.25;

    /// <summary>collect at 1 event/request against the empty endpoint's rate.</summary>
    public double? CollectRatio(EngineResult e) => e.One is { } one ? one.Load.AcceptedEventsPerSecond / EmptyOne.RequestsPerSecond : null;

    /// <summary>End to end at 20 events/request against the engine's own raw insert rate.</summary>
    public double? EndToEndRatio(EngineResult e) =>
        e.Twenty?.WrittenEventsPerSecond is { } written && e.Raw is { } raw ? written / raw.RowsPerSecond : null;
}

/// <summary>The side-by-side table (console and README) and the JSON file of a run.</summary>
internal static class IngestReport
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Table(IngestRun run)
    {
        var engines = run.Engines;
        var text = new StringBuilder();
        text.AppendLine($"ingest {run.At:yyyy-MM-dd HH:mm zzz}, {run.Cores} cores (load generator, service and ClickHouse share them), " +
                        $".NET {run.Runtime}, {run.Settings.Connections} connections, {run.Settings.Seconds:F0} s a case" +
                        string.Concat(run.Settings.ServiceSettings.Select(s => $", {s.Key}={s.Value}")));
        void Row(string label, Func<EngineResult, string> cell) =>
            text.AppendLine($"{label,-48}" + string.Concat(engines.Select(e => $"{(e.Error is null ? cell(e) : "failed"),28}")));
        Row("", e => e.Engine);
        foreach (var (title, pick) in new (string, Func<EngineResult, CollectCase?>)[] { ("collect, 1 event/request", e => e.One), ("collect, 20 events/request", e => e.Twenty) })
        {
            text.AppendLine(title);
            Row("  accepted events/s", e => N(pick(e)?.Load.AcceptedEventsPerSecond));
            Row("  latency p50 / p99 (ms)", e => pick(e) is { } c ? $"{c.Load.P50Ms:F2} / {c.Load.P99Ms:F2}" : "-");
            Row("  written events/s (end to end)", e => N(pick(e)?.WrittenEventsPerSecond));
            Row("  inserts: rows each / ms each", e => pick(e) is { } c ? $"{c.RowsPerInsert:N0} / {c.InsertSecondsAverage * 1000:F0}" : "-");
            Row("  failed requests", e => pick(e) is { } c ? $"{c.Load.FailedRequests:N0}" : "-");
            Row("  cores busy: service / server / bench / all", e => pick(e) is { } c
                ? $"{c.ServiceCores:F2} / {c.ClickHouseCores:F2} / {c.LoadGeneratorCores:F2} / {c.MachineBusy * run.Cores:F2}" : "-");
        }
        text.AppendLine("baselines");
        Row("  empty endpoint, 1 ev/req: req/s", _ => N(run.EmptyOne.RequestsPerSecond));
        Row("  empty endpoint, 1 ev/req: p50 / p99 (ms)", _ => $"{run.EmptyOne.P50Ms:F2} / {run.EmptyOne.P99Ms:F2}");
        Row("  empty endpoint, 20 ev/req: events/s", _ => N(run.EmptyTwenty.AcceptedEventsPerSecond));
        Row($"  raw insert rows/s ({run.Settings.RawBatchRows:N0}-row inserts)", e => N(e.Raw?.RowsPerSecond));
        text.AppendLine("ratios");
        Row($"  collect@1 / empty endpoint (≥ {IngestRun.CollectTarget:P0})", e => Verdict(run.CollectRatio(e), IngestRun.CollectTarget));
        Row($"  end to end@20 / raw insert (≥ {IngestRun.EndToEndTarget:P0})", e => Verdict(run.EndToEndRatio(e), IngestRun.EndToEndTarget));
        Row("  service peak RSS (MB)", e => $"{e.ServicePeakRssBytes / 1e6:N0}");
        foreach (var failed in engines.Where(e => e.Error is not null)) text.AppendLine($"{failed.Engine} failed: {failed.Error}");
        return text.ToString().TrimEnd();
    }

    static string Verdict(double? ratio, double target) =>
        ratio is { } r ? $"{r.ToString("P0", CultureInfo.InvariantCulture)} {(r >= target ? "PASS" : "MISS")}" : "-";

    static string N(double? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    public static string WriteJson(IngestRun run, string directory)
    {
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"ingest-{run.At:yyyyMMdd-HHmmss}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(run, Json));
        return file;
    }
}

/// <summary>Busy share of all cores from /proc/stat: whether the machine, not the service, was the limit.</summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        if (!File.Exists("/proc/stat")) return default;
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0); // idle + iowait
        var total = fields.Take(8).Sum(); // user nice system idle iowait irq softirq steal
        return new MachineCpu(total - idle, total);
    }

    /// <summary>0..1 of all cores.</summary>
    public double BusySince(MachineCpu before) => Total == before.Total ? 0 : (double)(Busy - before.Busy) / (Total - before.Total);

    /// <summary>CPU seconds of this process's children named <paramref name="comm"/> (the clickhouse-server the bench started).</summary>
    public static double ChildrenSeconds(string comm)
    {
        var self = Environment.ProcessId.ToString();
        var ticks = 0L;
        foreach (var dir in Directory.Exists("/proc") ? Directory.EnumerateDirectories("/proc") : [])
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; } // the process ended meanwhile
            catch (UnauthorizedAccessException) { continue; }
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < 0 || stat[(open + 1)..close] != comm) continue;
            var fields = stat[(close + 2)..].Split(' '); // state ppid … utime is field 14 of the whole line, 12 here
            if (fields[1] == self) ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
        }
        return ticks / 100.0; // USER_HZ
    }
}
