using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;

namespace Analytics.Bench.Ingest;

/// <summary>The ingestion numbers the service publishes on /metrics, read at one moment.</summary>
internal readonly record struct ServiceCounters(long Accepted, long Written, long SpoolRows, long InsertBatches, double InsertSeconds);

/// <summary>
/// The real service (src/Analytics.Api, Release build) as a child process on a free port, in a temporary data
/// directory, on the embedded engine or on a ClickHouse server, with the rate limit off.
/// </summary>
internal sealed class ServiceUnderTest : IDisposable
{
    readonly ChildProcess process;
    readonly string dataDir;
    readonly HttpClient admin;

    public string Engine { get; }
    public ChildProcess Process => process;
    public Uri CollectUrl => new(process.BaseUrl, "api/collect");

    ServiceUnderTest(string engine, ChildProcess process, string dataDir, string token)
    {
        Engine = engine;
        this.process = process;
        this.dataDir = dataDir;
        admin = new HttpClient { BaseAddress = process.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static async Task<ServiceUnderTest> StartAsync(
        string serviceDll, string engine, string? clickHouse, IReadOnlyDictionary<string, string> settings)
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-bench-service-").FullName;
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var port = BenchSupport.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ANALYTICS_URLS"] = $"http://127.0.0.1:{port}",
            ["ANALYTICS_DATA_DIR"] = dataDir,
            ["ANALYTICS_ADMIN_TOKEN"] = token,
            ["Ingestion__RateLimitPerSecond"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        if (clickHouse is not null) environment["ANALYTICS_CLICKHOUSE"] = clickHouse;
        foreach (var (key, value) in settings) environment[key] = value;
        try
        {
            // /readyz answers 200 once the schema is applied and the engine answers.
            var process = await ChildProcess.StartAsync($"service ({engine})", serviceDll, [], port, environment,
                Path.Combine(dataDir, "service.log"), "readyz", TimeSpan.FromSeconds(120));
            return new ServiceUnderTest(engine, process, dataDir, token);
        }
        catch
        {
            Console.Error.WriteLine($"  service log kept in {dataDir}/service.log");
            throw;
        }
    }

    /// <summary>POST /api/sites for bench.example; returns the site key for collect bodies.</summary>
    public async Task<string> CreateSiteAsync()
    {
        using var response = await admin.PostAsJsonAsync("api/sites", new { name = "Bench", domains = new[] { Workload.Domain } });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/sites answered {(int)response.StatusCode}: {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("key").GetString()!;
    }

    public async Task<ServiceCounters> CountersAsync()
    {
        var text = await admin.GetStringAsync("metrics");
        return new ServiceCounters(
            (long)Metric(text, "analytics_events_accepted_total"),
            (long)Metric(text, "analytics_events_written_total"),
            (long)Metric(text, "analytics_spool_rows"),
            (long)Metric(text, "analytics_insert_batch_seconds_count"),
            Metric(text, "analytics_insert_batch_seconds_sum"));
    }

    /// <summary>Polls /metrics until <paramref name="written"/> events are stored; the time it happened, or null at the timeout.</summary>
    public async Task<TimeSpan?> WaitWrittenAsync(long written, Stopwatch clock, TimeSpan timeout)
    {
        var deadline = clock.Elapsed + timeout;
        while (clock.Elapsed < deadline)
        {
            if ((await CountersAsync()).Written >= written) return clock.Elapsed;
            await Task.Delay(25);
        }
        return null;
    }

    internal static double Metric(string exposition, string name)
    {
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(name) || line.Length <= name.Length || line[name.Length] != ' ') continue;
            return double.Parse(line[(name.Length + 1)..].Trim(), CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/metrics has no {name}");
    }

    public void Dispose()
    {
        admin.Dispose();
        process.Dispose();
        try { Directory.Delete(dataDir, recursive: true); }
        catch (IOException) { /* a file the killed engine still held: the OS cleans temp */ }
    }
}
