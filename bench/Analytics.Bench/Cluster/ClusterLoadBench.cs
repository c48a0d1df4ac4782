using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench.Cluster;

/// <summary>
/// bench cluster-load (issue 21): a steady collect load through the load balancer in front of two service nodes on
/// the cluster (scripts/cluster.sh failover|soak start everything and pass the addresses), with failures injected on
/// a schedule, and an exact account at the end. Every event carries its own sequence number in its page path
/// (<c>/f/N</c>), so the bench knows which events were acknowledged (a 202 that accepted them all) and, after the
/// spools drained, which landed in ClickHouse (through the Distributed table): lost = acknowledged and not landed,
/// duplicated = landed more than once. The bench never resends a request: an event whose request failed (a node
/// killed while it held the request) is unacknowledged and may or may not land, and is counted apart.
/// Every <c>--slice</c> seconds it prints the acknowledged rate, failed requests, p50/p99, each service's RSS and
/// CPU, and the rows landed so far.
/// </summary>
internal static class ClusterLoadBench
{
    static readonly MediaTypeHeaderValue Json = new("application/json");

    sealed record Action(double At, string Command);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(Option(args, "--url") ?? throw new ArgumentException("--url"));
        var site = Option(args, "--site") ?? throw new ArgumentException("--site");
        var token = Option(args, "--token") ?? throw new ArgumentException("--token");
        var clickHouse = Option(args, "--clickhouse") ?? throw new ArgumentException("--clickhouse");
        var database = Option(args, "--database") ?? throw new ArgumentException("--database");
        var pidFiles = (Option(args, "--pid-files") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var rate = double.Parse(Option(args, "--rate") ?? "1000", CultureInfo.InvariantCulture); // events/s; 0 = as fast as it goes
        var seconds = double.Parse(Option(args, "--seconds") ?? "60", CultureInfo.InvariantCulture);
        var eventsPerRequest = int.Parse(Option(args, "--events") ?? "10");
        var connections = int.Parse(Option(args, "--connections") ?? "16");
        var slice = TimeSpan.FromSeconds(double.Parse(Option(args, "--slice") ?? "30", CultureInfo.InvariantCulture));
        var actions = Options(args, "--at").Select(a => a.Split(':', 2))
            .Select(p => new Action(double.Parse(p[0], CultureInfo.InvariantCulture), p[1])).ToList();
        var reportsAt = Options(args, "--report-at").Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToList();
        var root = FindRoot();

        var maxRequests = rate > 0 ? (int)Math.Ceiling(rate * seconds / eventsPerRequest) + 1 : 4_000_000;
        var requestInterval = rate > 0 ? eventsPerRequest / rate : 0; // seconds between request starts
        var outcome = new byte[maxRequests]; // per request: 0 not sent, 1 acknowledged, 2 failed, 3 answered with fewer accepted
        var statuses = new Dictionary<string, long>();
        var latencies = new List<long>();
        var acked = 0L;
        var next = -1L;

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections, UseCookies = false, UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan, AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var ch = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };

        Console.WriteLine($"cluster-load: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {url}, {(rate > 0 ? $"{rate:N0} events/s" : "as fast as it goes")}, " +
                          $"{seconds} s, {eventsPerRequest} events/request, {connections} connections; load average {LoadAverage()}");
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);

        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(() => WorkerAsync(w))).ToArray();
        var scheduled = actions.Select(a => Task.Run(() => RunActionAsync(a))).ToList();
        var reports = reportsAt.Select(at => Task.Run(() => ReportAsync(at))).ToList();

        // Every slice: the rate, failures, latency and the services' memory and CPU.
        var cpu = new Dictionary<string, (int Pid, double Seconds)>();
        var (lastAcked, lastFailed, lastAt) = (0L, 0L, 0.0);
        Console.WriteLine("     t s   acked ev/s   failed req   p50 ms   p99 ms   " +
                          string.Join("   ", pidFiles.Select((_, i) => $"svc{i + 1} RSS MB  CPU s")) + "   landed rows   load");
        var allWorkers = Task.WhenAll(workers);
        while (!allWorkers.IsCompleted)
        {
            await Task.WhenAny(allWorkers, Task.Delay(slice));
            long[] sliceLatencies;
            lock (latencies) { sliceLatencies = latencies.ToArray(); latencies.Clear(); }
            Array.Sort(sliceLatencies);
            var now = clock.Elapsed.TotalSeconds;
            var ackedNow = Interlocked.Read(ref acked);
            long failedNow;
            lock (statuses) failedNow = statuses.Where(s => s.Key != "202").Sum(s => s.Value);
            var services = string.Join("   ", pidFiles.Select(f => ServiceColumns(f, cpu)));
            var landed = await ScalarAsync(ch, clickHouse, $"SELECT count() FROM `{database}`.events") ?? "?";
            Console.WriteLine($"  {now,6:F0}   {(ackedNow - lastAcked) / (now - lastAt),10:N0}   {failedNow - lastFailed,10:N0}   " +
                              $"{Percentile(sliceLatencies, 0.50),6:F1}   {Percentile(sliceLatencies, 0.99),6:F1}   {services}   {landed,11}   {LoadAverage().Split(' ')[0]}");
            (lastAcked, lastFailed, lastAt) = (ackedNow, failedNow, now);
        }
        var loadSeconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(scheduled.Concat(reports));

        var taken = Math.Min(Interlocked.Read(ref next) + 1, maxRequests);
        var sent = outcome.Take((int)taken).Count(o => o != 0); // a number taken after the end was never sent
        var ackedEvents = Interlocked.Read(ref acked);
        Console.WriteLine($"load: {sent:N0} requests in {loadSeconds:F0} s, {ackedEvents:N0} events acknowledged ({ackedEvents / loadSeconds:N0}/s); statuses " +
                          string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value:N0}")));

        // The spools drain (a restarted node replays its own): wait until the rows stop growing and cover the acknowledged.
        var drainClock = Stopwatch.StartNew();
        long stored = -1, stableSince = 0;
        while (drainClock.Elapsed < TimeSpan.FromMinutes(4))
        {
            var count = long.Parse(await ScalarAsync(ch, clickHouse, $"SELECT count() FROM `{database}`.events") ?? "-1", CultureInfo.InvariantCulture);
            if (count != stored) (stored, stableSince) = (count, drainClock.ElapsedMilliseconds);
            if (stored >= ackedEvents && drainClock.ElapsedMilliseconds - stableSince > 10_000) break;
            await Task.Delay(1000);
        }
        Console.WriteLine($"drain: {stored:N0} rows through the Distributed table {drainClock.Elapsed.TotalSeconds:F0} s after the load ended");

        // Replicas: each node's local rows (both replicas of a shard must agree once replication caught up).
        var nodes = await QueryAsync(ch, clickHouse, $"SELECT host_address, port FROM system.clusters WHERE cluster = (SELECT any(cluster) FROM system.clusters WHERE cluster NOT LIKE 'test%') ORDER BY shard_num, replica_num");
        foreach (var line in nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var port = int.Parse(line.Split('\t')[1], CultureInfo.InvariantCulture) - 10; // native TCP BASE+20+i, HTTP BASE+10+i
            var node = $"http://127.0.0.1:{port}";
            await ScalarAsync(ch, node, $"SYSTEM SYNC REPLICA `{database}`.events_local");
            Console.WriteLine($"  node on {port}: events_local {await ScalarAsync(ch, node, $"SELECT concat(toString(count()), ' rows, ', toString(uniqExact(url)), ' distinct ids') FROM `{database}`.events_local")}");
        }

        // The exact account: every id's landings, read through the Distributed table.
        var landings = new Dictionary<long, int>();
        var body = await QueryAsync(ch, clickHouse, $"SELECT url, count() FROM `{database}`.events GROUP BY url FORMAT TabSeparated");
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            var path = line[..tab];
            var at = path.LastIndexOf("/f/", StringComparison.Ordinal);
            if (at < 0 || !long.TryParse(path[(at + 3)..], out var seq)) continue;
            landings[seq] = int.Parse(line[(tab + 1)..], CultureInfo.InvariantCulture);
        }
        long lost = 0, landedUnacked = 0, unacked = 0;
        for (var k = 0L; k < taken; k++)
            for (var e = 0; e < eventsPerRequest && outcome[k] != 0; e++)
            {
                var seq = k * eventsPerRequest + e;
                var landed = landings.ContainsKey(seq);
                if (outcome[k] == 1) { if (!landed) lost++; }
                else { unacked++; if (landed) landedUnacked++; }
            }
        var duplicated = landings.Values.Where(c => c > 1).Sum(c => (long)c - 1);
        var duplicatedIds = landings.Values.Count(c => c > 1);
        Console.WriteLine($"account: acknowledged {ackedEvents:N0}, landed {landings.Count:N0} distinct ids ({landings.Values.Sum(c => (long)c):N0} rows), " +
                          $"lost {lost:N0}, duplicated {duplicated:N0} rows ({duplicatedIds:N0} ids); unacknowledged {unacked:N0} (of which landed {landedUnacked:N0}); load average {LoadAverage()}");
        return lost == 0 && duplicated == 0 ? 0 : 1;

        async Task WorkerAsync(int worker)
        {
            var buffer = new ArrayBufferWriter<byte>(256 * eventsPerRequest);
            while (true)
            {
                if (rate <= 0 && clock.Elapsed >= duration) return; // before taking a number: a taken number is a sent request
                var k = Interlocked.Increment(ref next);
                if (k >= maxRequests) return;
                if (rate > 0)
                {
                    var due = k * requestInterval;
                    if (due >= seconds) return;
                    var wait = due - clock.Elapsed.TotalSeconds;
                    if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
                }
                var content = Body(buffer, site, k, eventsPerRequest);
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "/api/collect")) { Version = HttpVersion.Version11 };
                request.Content = new ByteArrayContent(content) { Headers = { ContentType = Json } };
                request.Headers.TryAddWithoutValidation("User-Agent", Ingest.Workload.UserAgents[k % Ingest.Workload.UserAgents.Length]);
                request.Headers.TryAddWithoutValidation("Origin", Ingest.Workload.Origin);
                var started = Stopwatch.GetTimestamp();
                string status;
                try
                {
                    using var answer = await http.SendAsync(request);
                    var response = await answer.Content.ReadAsByteArrayAsync();
                    status = ((int)answer.StatusCode).ToString(CultureInfo.InvariantCulture);
                    if (answer.StatusCode == HttpStatusCode.Accepted && AcceptedCount(response) == eventsPerRequest)
                    {
                        outcome[k] = 1;
                        Interlocked.Add(ref acked, eventsPerRequest);
                    }
                    else outcome[k] = (byte)(answer.StatusCode == HttpStatusCode.Accepted ? 3 : 2);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    status = e.GetType().Name;
                    outcome[k] = 2;
                }
                var elapsed = Stopwatch.GetTimestamp() - started;
                lock (latencies) latencies.Add(elapsed);
                lock (statuses) statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
        }

        async Task RunActionAsync(Action action)
        {
            var wait = action.At - clock.Elapsed.TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            var started = clock.Elapsed.TotalSeconds;
            var info = new ProcessStartInfo("/bin/bash", ["-c", action.Command]) { WorkingDirectory = root, RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(info)!;
            var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Console.WriteLine($"  [{started,5:F0} s → {clock.Elapsed.TotalSeconds,5:F0} s] {action.Command}: exit {process.ExitCode}; {output.Trim().Replace('\n', ' ')}");
        }

        async Task ReportAsync(double at)
        {
            var wait = at - clock.Elapsed.TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            var from = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var answer = await admin.GetAsync(new Uri(url, $"/api/reports/overview?site={site}&from={from}&to={to}"));
                var text = await answer.Content.ReadAsStringAsync();
                var pageviews = answer.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.GetProperty("pageviews").ToString() : text[..Math.Min(200, text.Length)];
                Console.WriteLine($"  [{at,5:F0} s] report overview through the load balancer: {(int)answer.StatusCode} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms, pageviews {pageviews}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.WriteLine($"  [{at,5:F0} s] report overview through the load balancer failed after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms: {e.Message}");
            }
        }
    }

    static IEnumerable<string> Options(string[] args, string name)
    {
        for (var i = 0; i + 1 < args.Length; i++)
            if (args[i] == name) yield return args[i + 1];
    }

    /// <summary>One collect body: pageviews /f/(k*n) … /f/(k*n+n-1), of one of 20 000 visitors (spread over the shards).</summary>
    static byte[] Body(ArrayBufferWriter<byte> buffer, string site, long k, int n)
    {
        buffer.ResetWrittenCount();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("site", site);
            json.WriteStartArray("events");
            for (var e = 0; e < n; e++)
            {
                json.WriteStartObject();
                json.WriteString("type", "pageview");
                json.WriteNumber("ts", now - n + e);
                json.WriteString("url", $"{Ingest.Workload.Origin}/f/{k * n + e}");
                json.WriteString("title", "Bench Shop");
                json.WriteString("vid", $"visitor-{k % 20_000}");
                json.WriteString("sid", $"session-{k % 20_000}");
                json.WriteStartObject("consent");
                json.WriteBoolean("analytics", true);
                json.WriteBoolean("marketing", false);
                json.WriteEndObject();
                json.WriteString("screen", "1920x1080");
                json.WriteString("lang", "de-DE");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    static int AcceptedCount(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("accepted") && reader.Read())
                return reader.GetInt32();
        return -1;
    }

    /// <summary>RSS (MB) and CPU seconds since the bench first saw this process (a restarted node starts again at 0).</summary>
    static string ServiceColumns(string pidFile, Dictionary<string, (int Pid, double Seconds)> cpu)
    {
        try
        {
            var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
            var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var total = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0; // utime + stime, clock ticks
            if (!cpu.TryGetValue(pidFile, out var seen) || seen.Pid != pid) cpu[pidFile] = seen = (pid, total);
            return $"{long.Parse(rss, CultureInfo.InvariantCulture) / 1024,11:N0}  {total - seen.Seconds,5:F0}";
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or UnauthorizedAccessException)
        {
            return $"{"down",11}  {"-",5}";
        }
    }

    static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;

    static async Task<string> QueryAsync(HttpClient http, string server, string sql)
    {
        using var answer = await http.PostAsync(server, new StringContent(sql, Encoding.UTF8));
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"{server}: {text}");
        return text;
    }

    static async Task<string?> ScalarAsync(HttpClient http, string server, string sql)
    {
        try
        {
            return (await QueryAsync(http, server, sql)).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return null;
        }
    }
}
