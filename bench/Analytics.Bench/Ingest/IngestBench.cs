using System.Diagnostics;
using Analytics.Tests.Infrastructure;

namespace Analytics.Bench.Ingest;

/// <summary>
/// bench ingest: the real service under a loopback load, per engine, beside two baselines measured in the same
/// run: an empty Kestrel endpoint (what HTTP alone costs here) and the same rows inserted straight into the
/// engine (what storage alone takes). Every loop is bounded in time and in count and stops by itself.
/// </summary>
internal static class IngestBench
{
    internal sealed record Settings(
        double Seconds, double WarmupSeconds, int Connections, IReadOnlyList<string> Engines, long MaxRequests,
        int RawRows, int RawBatchRows, IReadOnlyDictionary<string, string> ServiceSettings);

    const string ClickHouseComm = "clickhouse-serv"; // /proc's comm: the first 15 characters of the name

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        var settings = Parse(args);
        var root = RepoRoot();
        var serviceDll = await ServiceDllAsync(root);
        var started = DateTimeOffset.Now;
        Console.WriteLine($"ingest: {started:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                          $"{settings.Connections} connections, {settings.Seconds:F0} s a case after {settings.WarmupSeconds:F0} s warm-up, " +
                          $"engines {string.Join(", ", settings.Engines)}" +
                          string.Concat(settings.ServiceSettings.Select(s => $", {s.Key}={s.Value}")));

        LoadResult empty1, empty20;
        var empty = await EmptyEndpoint.StartAsync();
        using (empty)
        {
            var url = new Uri(empty.BaseUrl, "collect");
            empty1 = Progress(await MeasureAsync(url, "empty endpoint", Workload.Bodies("bench", 1, 256, 1), 1, settings));
            empty20 = Progress(await MeasureAsync(url, "empty endpoint", Workload.Bodies("bench", 20, 256, 20), 20, settings));
        }
        File.Delete(empty.LogPath); // kept only when the endpoint failed to start

        var engines = new List<EngineResult>();
        foreach (var engine in settings.Engines)
            engines.Add(await EngineAsync(engine, serviceDll, settings));
        // Last: chDB, once loaded, stays in this process with its threads, and would weigh on the load generator.
        if (engines.FirstOrDefault(e => e.Engine == "embedded") is { Error: null } embedded)
        {
            Console.WriteLine("  raw insert (embedded, in this process) …");
            var raw = await RawInsert.EmbeddedAsync(Workload.Bodies("bench", 20, 256, 20), settings.RawRows, settings.RawBatchRows);
            engines[engines.IndexOf(embedded)] = embedded with { Raw = raw };
        }

        var run = new IngestRun(started, Environment.ProcessorCount, Environment.Version.ToString(), settings, empty1, empty20, engines);
        Console.WriteLine();
        Console.WriteLine(IngestReport.Table(run));
        var file = IngestReport.WriteJson(run, Path.Combine(root, "bench", "results"));
        Console.WriteLine($"\nwritten to {Path.GetRelativePath(root, file)}");
        return engines.Any(e => e.Error is not null) ? 1 : 0;
    }

    static async Task<EngineResult> EngineAsync(string engine, string serviceDll, Settings settings)
    {
        Console.WriteLine($"{engine}:");
        ClickHouseServer? server = null;
        try
        {
            if (engine == "server") server = new ClickHouseServer();
            CollectCase one, twenty;
            long peakRss;
            using (var service = await ServiceUnderTest.StartAsync(serviceDll, engine, server?.ConnectionString, settings.ServiceSettings))
            {
                var key = await service.CreateSiteAsync();
                one = await CollectAsync(service, key, 1, settings);
                twenty = await CollectAsync(service, key, 20, settings);
                peakRss = service.Process.PeakRssBytes;
            }
            RawInsertResult? raw = null;
            if (server is not null)
            {
                Console.WriteLine("  raw insert (server) …");
                raw = await RawInsert.ServerAsync(server.ConnectionString, Workload.Bodies("bench", 20, 256, 20), settings.RawRows, settings.RawBatchRows);
            }
            return new EngineResult(engine, one, twenty, raw, peakRss, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"  {engine} failed: {e.Message}");
            return new EngineResult(engine, null, null, null, 0, e.Message);
        }
        finally
        {
            server?.Dispose();
        }
    }

    /// <summary>Warm-up, a drained spool, then the measured load; written = until the service has stored all of it.</summary>
    static async Task<CollectCase> CollectAsync(ServiceUnderTest service, string key, int eventsPerRequest, Settings settings)
    {
        var bodies = Workload.Bodies(key, eventsPerRequest, 256, eventsPerRequest);
        var drainTimeout = TimeSpan.FromSeconds(Math.Max(60, settings.Seconds * 6));
        var warmUp = await LoadGenerator.RunAsync(service.CollectUrl, "warm-up", bodies, eventsPerRequest, settings.Connections,
            TimeSpan.FromSeconds(settings.WarmupSeconds), settings.MaxRequests, countAccepted: true);
        if (warmUp.AcceptedEvents == 0) throw new InvalidOperationException($"The service accepted nothing in the warm-up: {Statuses(warmUp)}");
        var idle = Stopwatch.StartNew();
        if (await service.WaitWrittenAsync((await service.CountersAsync()).Accepted, idle, drainTimeout) is null)
            throw new TimeoutException("The service did not store the warm-up's events in time");

        var before = await service.CountersAsync();
        var cpuBefore = service.Process.CpuSeconds;
        var clickHouseBefore = MachineCpu.ChildrenSeconds(ClickHouseComm);
        var machineBefore = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        var load = await LoadGenerator.RunAsync(service.CollectUrl, $"service ({service.Engine})", bodies, eventsPerRequest,
            settings.Connections, TimeSpan.FromSeconds(settings.Seconds), settings.MaxRequests, countAccepted: true);
        var atLoadEnd = await service.CountersAsync();
        var machineBusy = MachineCpu.Read().BusySince(machineBefore);
        var cpuDuringLoad = service.Process.CpuSeconds - cpuBefore;
        var clickHouseDuringLoad = MachineCpu.ChildrenSeconds(ClickHouseComm) - clickHouseBefore;
        var allWritten = await service.WaitWrittenAsync(before.Written + load.AcceptedEvents, clock, drainTimeout);
        var after = await service.CountersAsync();
        Progress(load);
        var result = new CollectCase(load, allWritten?.TotalSeconds, atLoadEnd.Written - before.Written, atLoadEnd.SpoolRows,
            after.Accepted - before.Accepted, after.InsertBatches - before.InsertBatches, after.InsertSeconds - before.InsertSeconds,
            cpuDuringLoad, clickHouseDuringLoad, machineBusy);
        Console.WriteLine($"    written: {(allWritten is null ? "NOT all within the timeout" : $"all {load.AcceptedEvents:N0} after {allWritten.Value.TotalSeconds:F1} s")}, " +
                          $"{result.Inserts} inserts of {result.RowsPerInsert:N0} rows on average, {result.InsertSecondsAverage * 1000:F0} ms each");
        return result;
    }

    static async Task<LoadResult> MeasureAsync(Uri url, string target, byte[][] bodies, int eventsPerRequest, Settings settings)
    {
        await LoadGenerator.RunAsync(url, "warm-up", bodies, eventsPerRequest, settings.Connections,
            TimeSpan.FromSeconds(settings.WarmupSeconds), settings.MaxRequests, countAccepted: false);
        return await LoadGenerator.RunAsync(url, target, bodies, eventsPerRequest, settings.Connections,
            TimeSpan.FromSeconds(settings.Seconds), settings.MaxRequests, countAccepted: false);
    }

    static LoadResult Progress(LoadResult r)
    {
        Console.WriteLine($"  {r.Target}, {r.EventsPerRequest} ev/req: {r.RequestsPerSecond,9:N0} req/s, {r.AcceptedEventsPerSecond,9:N0} ev/s accepted, " +
                          $"p50 {r.P50Ms:F2} ms, p99 {r.P99Ms:F2} ms, {r.FailedRequests} failed {Statuses(r)}");
        return r;
    }

    static string Statuses(LoadResult r) => string.Join(", ", r.Statuses.Select(s => $"{s.Key}: {s.Value}"));

    internal static async Task<string> ServiceDllAsync(string root)
    {
        var dll = Path.Combine(root, "src", "Analytics.Api", "bin", "Release", "net10.0", "Analytics.Api.dll");
        if (File.Exists(dll)) return dll;
        Console.WriteLine("building src/Analytics.Api (Release) …");
        string[] arguments = ["build", "-c", "Release", "--nologo", "-v", "q", Path.Combine(root, "src", "Analytics.Api")];
        using var build = Process.Start("dotnet", arguments);
        await build.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        return build.ExitCode == 0 && File.Exists(dll) ? dll : throw new InvalidOperationException($"dotnet build of src/Analytics.Api failed; {dll} is missing");
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Analytics.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the bench from the repository (Analytics.sln not found above the bench binary).");
    }

    /// <summary>--set Key=Value (repeatable): configuration for the service under test, e.g. Ingestion__FlushIntervalMs=1000.</summary>
    static Dictionary<string, string> ServiceSettings(string[] args)
    {
        var settings = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] != "--set") continue;
            var equals = args[i + 1].IndexOf('=');
            if (equals <= 0) throw new ArgumentException($"--set wants Key=Value, not '{args[i + 1]}'");
            settings[args[i + 1][..equals]] = args[i + 1][(equals + 1)..];
        }
        return settings;
    }

    static Settings Parse(string[] args)
    {
        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var engines = (Option("--engines") ?? "embedded,server").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (engines.Except(["embedded", "server"]).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"--engines: unknown engine '{unknown}' (embedded, server)");
        return new Settings(
            Seconds: Math.Clamp(double.Parse(Option("--seconds") ?? "10"), 1, 600),
            WarmupSeconds: Math.Clamp(double.Parse(Option("--warmup") ?? "3"), 0.5, 60),
            Connections: Math.Clamp(int.Parse(Option("--connections") ?? "16"), 1, 1024),
            Engines: engines,
            MaxRequests: 5_000_000,
            RawRows: Math.Clamp(int.Parse(Option("--raw-rows") ?? "200000"), 1000, 10_000_000),
            RawBatchRows: Math.Clamp(int.Parse(Option("--raw-batch") ?? "20000"), 1, 1_000_000),
            ServiceSettings: ServiceSettings(args));
    }
}
