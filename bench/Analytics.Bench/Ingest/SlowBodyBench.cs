using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench.Ingest;

/// <summary>
/// bench slow-body: many connections declare a 256 KB collect body and trickle it a few hundred bytes a second
/// (reconnecting when the service cuts them off), while one normal client posts ordinary batches. Reports the
/// service's resident memory and the normal client's latency and answers, before and during the attack.
/// </summary>
internal static class SlowBodyBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        var connections = int.Parse(Option(args, "--connections") ?? "2000");
        var bytesPerSecond = int.Parse(Option(args, "--rate") ?? "300");
        var seconds = int.Parse(Option(args, "--seconds") ?? "30");
        var declared = int.Parse(Option(args, "--declared") ?? (256 * 1024).ToString());
        var settings = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i++)
            if (args[i] == "--set" && args[i + 1].IndexOf('=') is > 0 and var eq) settings[args[i + 1][..eq]] = args[i + 1][(eq + 1)..];

        // --service DLL: another build of the service, e.g. one from before a change, for a before/after figure.
        var serviceDll = Option(args, "--service") ?? await IngestBench.ServiceDllAsync(IngestBench.RepoRoot());
        using var service = await ServiceUnderTest.StartAsync(serviceDll, "embedded", null, settings);
        var site = await service.CreateSiteAsync();
        var bodies = Workload.Bodies(site, 20, 64, 3);
        using var normal = new HttpClient { BaseAddress = service.Process.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

        var quiet = await NormalClientAsync(normal, bodies, TimeSpan.FromSeconds(5), () => { });
        var rssQuiet = service.Process.RssBytes;

        using var stop = new CancellationTokenSource();
        var attack = new Attack(service.Process.Port, site, declared, bytesPerSecond);
        var attackers = Enumerable.Range(0, connections).Select(_ => attack.RunOneAsync(stop.Token)).ToArray();
        var ramp = Stopwatch.StartNew();
        while (attack.Open < connections && ramp.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        long peakRss = 0;
        var during = await NormalClientAsync(normal, bodies, TimeSpan.FromSeconds(seconds),
            () => peakRss = Math.Max(peakRss, service.Process.RssBytes));
        var openAtEnd = attack.Open;
        stop.Cancel();
        await Task.WhenAll(attackers);

        Console.WriteLine($"slow-body: {DateTimeOffset.Now:yyyy-MM-dd HH:mm}, {connections} connections each declaring {declared:N0} bytes and " +
                          $"sending {bytesPerSecond} B/s, {seconds} s; a normal client posts 20-event batches one at a time" +
                          (settings.Count > 0 ? $"; {string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"))}" : ""));
        Console.WriteLine($"  {"",-26}{"requests",10}{"p50 ms",9}{"p99 ms",9}{"max ms",9}  answers");
        Console.WriteLine($"  {"normal client, quiet",-26}{quiet.Format()}");
        Console.WriteLine($"  {"normal client, attacked",-26}{during.Format()}");
        Console.WriteLine($"  service RSS: {rssQuiet / 1e6:N0} MB quiet, peak {peakRss / 1e6:N0} MB during the attack (+{(peakRss - rssQuiet) / 1e6:N0} MB)");
        Console.WriteLine($"  attack: {attack.Connected:N0} connections made ({openAtEnd:N0} open at the end), {attack.BytesSent / 1e6:N1} MB sent, " +
                          $"answers {attack.Answers()}, {attack.Dropped:N0} cut off without an answer");
        return 0;
    }

    sealed record Latencies(List<double> Ms, Dictionary<int, int> Statuses)
    {
        public string Format()
        {
            Ms.Sort();
            double At(double q) => Ms.Count == 0 ? double.NaN : Ms[Math.Min(Ms.Count - 1, (int)(q * Ms.Count))];
            var answers = string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));
            return $"{Ms.Count,10:N0}{At(0.5),9:F2}{At(0.99),9:F2}{(Ms.Count == 0 ? double.NaN : Ms[^1]),9:F2}  {answers}";
        }
    }

    static async Task<Latencies> NormalClientAsync(HttpClient http, byte[][] bodies, TimeSpan duration, Action sample)
    {
        var result = new Latencies([], []);
        var clock = Stopwatch.StartNew();
        var lastSample = TimeSpan.Zero;
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/collect") { Content = new ByteArrayContent(bodies[i % bodies.Length]) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.TryAddWithoutValidation("Origin", Workload.Origin);
            var start = clock.Elapsed;
            int status;
            try
            {
                using var response = await http.SendAsync(request);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                status = 0; // no answer at all
            }
            result.Ms.Add((clock.Elapsed - start).TotalMilliseconds);
            result.Statuses[status] = result.Statuses.GetValueOrDefault(status) + 1;
            if (clock.Elapsed - lastSample > TimeSpan.FromMilliseconds(250))
            {
                sample();
                lastSample = clock.Elapsed;
            }
            await Task.Delay(10); // an ordinary client, not a load generator
        }
        return result;
    }

    /// <summary>One slow client a task: connect, send headers, trickle the body; start over when the service ends it.</summary>
    sealed class Attack(int port, string site, int declared, int bytesPerSecond)
    {
        int open;
        long connected, bytesSent, dropped;
        readonly Dictionary<string, int> answers = [];

        public int Open => Volatile.Read(ref open);
        public long Connected => Interlocked.Read(ref connected);
        public long BytesSent => Interlocked.Read(ref bytesSent);
        public long Dropped => Interlocked.Read(ref dropped);

        public string Answers()
        {
            lock (answers) return answers.Count == 0 ? "none" : string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}"));
        }

        public async Task RunOneAsync(CancellationToken stop)
        {
            var head = Encoding.ASCII.GetBytes($"POST /api/collect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                                              $"Content-Length: {declared}\r\n\r\n{{\"site\":\"{site}\",\"events\":[");
            var filler = Encoding.ASCII.GetBytes(new string(' ', bytesPerSecond));
            var jitter = new Random();
            while (!stop.IsCancellationRequested)
            {
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, stop);
                    Interlocked.Increment(ref connected);
                    Interlocked.Increment(ref open);
                    try
                    {
                        var stream = client.GetStream();
                        await stream.WriteAsync(head, stop);
                        var sent = head.Length;
                        await Task.Delay(jitter.Next(1000), stop);
                        while (sent < declared)
                        {
                            if (client.Available > 0)
                            {
                                Count(await StatusLineAsync(stream, stop));
                                break;
                            }
                            await stream.WriteAsync(filler.AsMemory(0, Math.Min(filler.Length, declared - sent)), stop);
                            sent += filler.Length;
                            Interlocked.Add(ref bytesSent, filler.Length);
                            await Task.Delay(1000, stop);
                        }
                    }
                    finally
                    {
                        Interlocked.Decrement(ref open);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is IOException or SocketException)
                {
                    Interlocked.Increment(ref dropped); // the service closed the connection without an answer
                }
            }
        }

        static async Task<string> StatusLineAsync(NetworkStream stream, CancellationToken stop)
        {
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, stop);
            var line = Encoding.ASCII.GetString(buffer, 0, read);
            return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && line.Length >= 12 ? line[9..12] : "?";
        }

        void Count(string status)
        {
            lock (answers) answers[status] = answers.GetValueOrDefault(status) + 1;
        }
    }
}
