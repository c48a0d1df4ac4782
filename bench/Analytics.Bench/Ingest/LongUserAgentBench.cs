using System.Diagnostics;
using System.Text;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench.Ingest;

/// <summary>
/// bench long-ua: what one hostile client costs the service when every request carries a new user agent of
/// over 1 KB (never cached) and a full batch of events. The figure is the service's CPU time for the requests.
/// </summary>
internal static class LongUserAgentBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    static async Task<int> RunAsync(string[] args)
    {
        var requests = int.Parse(Option(args, "--requests") ?? "100");
        var eventsPerRequest = int.Parse(Option(args, "--events") ?? "500");
        var userAgentLength = int.Parse(Option(args, "--ua-length") ?? "1100");
        // --service DLL: another build of the service, e.g. one from before a change, for a before/after figure.
        var serviceDll = Option(args, "--service") ?? await IngestBench.ServiceDllAsync(IngestBench.RepoRoot());
        using var service = await ServiceUnderTest.StartAsync(serviceDll, "embedded", null, new Dictionary<string, string>());
        var site = await service.CreateSiteAsync();
        var body = Workload.Bodies(site, eventsPerRequest, 1, 11)[0];
        using var http = new HttpClient { BaseAddress = service.Process.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
        var random = new Random(5);

        // One request first so that start-up work (rule building, JIT) is not counted.
        await PostAsync(http, body, LongUserAgent(random, userAgentLength));
        var cpuBefore = service.Process.CpuSeconds;
        var clock = Stopwatch.StartNew();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < requests; i++)
        {
            var status = await PostAsync(http, body, LongUserAgent(random, userAgentLength));
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }
        var elapsed = clock.Elapsed;
        var cpu = service.Process.CpuSeconds - cpuBefore;
        Console.WriteLine($"long-ua: {DateTimeOffset.Now:yyyy-MM-dd HH:mm}, {requests} requests of {eventsPerRequest} events, " +
                          $"each with a new {userAgentLength}-character user agent, one at a time");
        Console.WriteLine($"  service CPU {cpu:F2} s ({cpu / requests * 1000:F1} ms a request), wall {elapsed.TotalSeconds:F2} s, " +
                          $"answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        return statuses.Keys.All(s => s == 202) ? 0 : 1;
    }

    static async Task<int> PostAsync(HttpClient http, byte[] body, string userAgent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/collect") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        request.Headers.TryAddWithoutValidation("Origin", Workload.Origin);
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>A browser-like prefix and random product tokens up to <paramref name="length"/>: no rule's early exit.</summary>
    internal static string LongUserAgent(Random random, int length)
    {
        var ua = new StringBuilder("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)");
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        while (ua.Length < length)
        {
            ua.Append(' ');
            for (var i = random.Next(4, 12); i > 0; i--) ua.Append(letters[random.Next(letters.Length)]);
            ua.Append('/').Append(random.Next(1, 200)).Append('.').Append(random.Next(0, 10));
        }
        return ua.ToString(0, length);
    }
}
