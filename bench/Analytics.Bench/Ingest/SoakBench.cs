using System.Diagnostics;
using Analytics.Tests.Infrastructure;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench.Ingest;

/// <summary>
/// bench soak: the service under a steady collect load for minutes, its resident memory sampled as it goes.
/// chDB in a long-running process has been reported to grow (chdb-io/chdb#298); the service bounds the
/// engine's caches and memory (StorageOptions.EmbeddedSettings), and this shows whether RSS levels off.
/// </summary>
internal static class SoakBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        var minutes = double.Parse(Option(args, "--minutes") ?? "5", System.Globalization.CultureInfo.InvariantCulture);
        var engine = Option(args, "--engine") ?? "embedded";
        var eventsPerRequest = int.Parse(Option(args, "--events") ?? "20");
        var connections = int.Parse(Option(args, "--connections") ?? "4");
        var serviceDll = await IngestBench.ServiceDllAsync(IngestBench.RepoRoot());
        using var server = engine == "server" ? new ClickHouseServer() : null;
        using var service = await ServiceUnderTest.StartAsync(serviceDll, engine, server?.ConnectionString, new Dictionary<string, string>());
        var site = await service.CreateSiteAsync();
        var bodies = Workload.Bodies(site, eventsPerRequest, 512, 7);
        Console.WriteLine($"soak: {DateTimeOffset.Now:yyyy-MM-dd HH:mm}, {engine}, {minutes} min, {eventsPerRequest} events/request, {connections} connections");
        Console.WriteLine("  minute   accepted (total)   written (total)   spool rows   RSS MB   peak RSS MB   p99 ms");
        var clock = Stopwatch.StartNew();
        var slice = TimeSpan.FromSeconds(30);
        long accepted = 0;
        while (clock.Elapsed.TotalMinutes < minutes)
        {
            var load = await LoadGenerator.RunAsync(service.CollectUrl, "service", bodies, eventsPerRequest, connections, slice, 50_000_000, countAccepted: true);
            accepted += load.AcceptedEvents;
            var counters = await service.CountersAsync();
            Console.WriteLine($"  {clock.Elapsed.TotalMinutes,6:F1}   {accepted,16:N0}   {counters.Written,15:N0}   {counters.SpoolRows,10:N0}   " +
                              $"{service.Process.RssBytes / 1e6,6:N0}   {service.Process.PeakRssBytes / 1e6,11:N0}   {load.P99Ms,6:F2}");
        }
        var drained = await service.WaitWrittenAsync(accepted, clock, TimeSpan.FromMinutes(2));
        Console.WriteLine(drained is null ? "  not all accepted events were written within 2 minutes" : $"  all {accepted:N0} accepted events written");
        return drained is null ? 1 : 0;
    }
}
