using System.Diagnostics;
using System.Net;
using Analytics.Enrichment.GeoIp;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace Analytics.Bench;

/// <summary>Why GeoIpLookup does not use DatabaseReader: the same lookups both ways.</summary>
internal static class GeoBench
{
    public static int Run(string path)
    {
        var ips = new[] { "81.2.69.142", "216.160.83.56", "89.160.20.112", "2001:218::1" }.Select(IPAddress.Parse).ToArray();
        const int n = 400_000;

        using var typed = new DatabaseReader(path, FileAccessMode.MemoryMapped);
        Measure("MaxMind.GeoIP2 DatabaseReader.TryCity", i => typed.TryCity(ips[i % ips.Length], out _));

        using var ours = new GeoIpLookup(path, watch: false);
        Measure("GeoIpLookup (MaxMind.Db.Reader, stored fields only)", i => ours.Lookup(ips[i % ips.Length]));
        return 0;

        static void Measure(string name, Action<int> lookup)
        {
            for (var i = 0; i < 50_000; i++) lookup(i);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < n; i++) lookup(i);
            Console.WriteLine($"{name}: {watch.Elapsed.TotalNanoseconds / n / 1000:F2} µs, " +
                              $"{(GC.GetAllocatedBytesForCurrentThread() - allocated) / n} B per lookup");
        }
    }
}
