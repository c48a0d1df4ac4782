using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Analytics.Bench.Ingest;

/// <summary>What one load case measured: client-side rates and latency percentiles.</summary>
internal sealed record LoadResult(
    string Target, int EventsPerRequest, int Connections, double Seconds, long Requests, long AcceptedEvents,
    long FailedRequests, IReadOnlyDictionary<string, long> Statuses, double P50Ms, double P95Ms, double P99Ms, double MaxMs,
    double BenchCpuSeconds)
{
    public double RequestsPerSecond => Requests / Seconds;
    public double AcceptedEventsPerSecond => AcceptedEvents / Seconds;
}

/// <summary>
/// A closed-loop load generator over loopback: <c>connections</c> workers, each sending one request at a time
/// on its own kept-alive connection, until the time or the request budget is spent, whichever comes first.
/// Every request's latency is kept (a long each) and sorted at the end: exact percentiles, no histogram buckets.
/// </summary>
internal static class LoadGenerator
{
    static readonly MediaTypeHeaderValue Json = new("application/json");
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <param name="countAccepted">Read "accepted" from each 202 body (the service); else a 202 accepts the whole request.</param>
    public static async Task<LoadResult> RunAsync(
        Uri url, string target, IReadOnlyList<byte[]> bodies, int eventsPerRequest, int connections,
        TimeSpan duration, long maxRequests, bool countAccepted)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = RequestTimeout };
        // The loop stops itself: at the duration, at the request budget, and at a hard deadline for a hung request.
        using var hardStop = new CancellationTokenSource(duration + RequestTimeout + TimeSpan.FromSeconds(5));
        var sent = 0L;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections)
            .Select(w => Task.Run(() => WorkerAsync(w)))
            .ToArray();
        var results = await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;

        var latencies = new long[results.Sum(r => r.Latencies.Count)];
        var at = 0;
        foreach (var r in results)
        {
            r.Latencies.CopyTo(latencies, at);
            at += r.Latencies.Count;
        }
        Array.Sort(latencies);
        var statuses = results.SelectMany(r => r.Statuses)
            .GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
        return new LoadResult(target, eventsPerRequest, connections, elapsed, latencies.Length,
            results.Sum(r => r.Accepted), results.Sum(r => r.Failed), statuses,
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : Milliseconds(latencies[^1]), cpu);

        async Task<WorkerResult> WorkerAsync(int worker)
        {
            var result = new WorkerResult();
            var userAgent = Workload.UserAgents[worker % Workload.UserAgents.Length];
            var responseBuffer = new byte[4096];
            for (var i = worker; clock.Elapsed < duration && Interlocked.Increment(ref sent) <= maxRequests; i += connections)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Version = HttpVersion.Version11 };
                request.Content = new ByteArrayContent(bodies[i % bodies.Count]) { Headers = { ContentType = Json } };
                request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
                request.Headers.TryAddWithoutValidation("Origin", Workload.Origin);
                var started = Stopwatch.GetTimestamp();
                string status;
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, hardStop.Token);
                    var length = await ReadAllAsync(await response.Content.ReadAsStreamAsync(hardStop.Token), responseBuffer, hardStop.Token);
                    status = ((int)response.StatusCode).ToString();
                    if (response.StatusCode == HttpStatusCode.Accepted)
                        result.Accepted += countAccepted ? AcceptedCount(responseBuffer.AsSpan(0, length)) : eventsPerRequest;
                    else
                        result.Failed++;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    status = e.GetType().Name;
                    result.Failed++;
                    if (hardStop.IsCancellationRequested) break;
                }
                result.Latencies.Add(Stopwatch.GetTimestamp() - started);
                result.Statuses[status] = result.Statuses.GetValueOrDefault(status) + 1;
            }
            return result;
        }
    }

    static async Task<int> ReadAllAsync(Stream body, byte[] buffer, CancellationToken ct)
    {
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
            if (length == buffer.Length) length = 0; // a long body is only drained; answers of 202 are short
        }
        return length;
    }

    /// <summary>The "accepted" number of a collect answer, without building a document.</summary>
    static int AcceptedCount(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("accepted") && reader.Read())
                return reader.GetInt32();
        return 0;
    }

    static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Milliseconds(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);

    static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    sealed class WorkerResult
    {
        public readonly List<long> Latencies = new(64 * 1024);
        public readonly Dictionary<string, long> Statuses = [];
        public long Accepted;
        public long Failed;
    }
}
