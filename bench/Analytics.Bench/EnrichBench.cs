using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Analytics.Enrichment;
using Analytics.Enrichment.Bots;
using Analytics.Enrichment.GeoIp;
using Analytics.Enrichment.UserAgents;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench;

/// <summary>Per-event cost of <see cref="Enricher"/> with a warm user-agent cache, and the cost of cold parses.</summary>
internal static class EnrichBench
{
    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.38.109]",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
        "python-requests/2.31.0",
    ];

    private static readonly string[] Ips = ["81.2.69.142", "216.160.83.56", "89.160.20.112", "2001:218::1", "203.0.113.7", "192.168.1.20"];

    private static readonly (string Url, string? Referrer)[] Visits =
    [
        ("https://shop.example/p/1", "https://www.google.com/"),
        ("https://shop.example/", null),
        ("https://shop.example/p/2?utm_source=newsletter&utm_medium=email&utm_campaign=spring", null),
        ("https://shop.example/p/3?gclid=EAIaIQobChMI", "https://www.google.de/"),
        ("https://shop.example/cart", "https://shop.example/p/1"),
        ("https://shop.example/p/4?fbclid=IwAR0abc", "https://l.facebook.com/"),
        ("https://shop.example/blog/x", "https://news.ycombinator.com/item?id=1"),
    ];

    public static int Run(string[] args)
    {
        var geoPath = Option(args, "--geoip") ?? FindShared("maxmind/GeoIP2-City-Test.mmdb");
        var events = int.Parse(Option(args, "--events") ?? "2000000");
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, GeoIP: {geoPath ?? "(none)"}");

        StartUp();
        ColdParses(args.Contains("--compare-compiled")
            ? [RegexOptions.None, RegexOptions.Compiled] // Compiled JIT-compiles each rule on first use: minutes
            : [RegexOptions.None]);
        BotChecks();
        WarmEnrichment(geoPath, events);
        return 0;
    }

    private static void StartUp()
    {
        Console.WriteLine("\n== start-up: load regexes.yaml, build all rules");
        foreach (var engine in new[] { RegexOptions.None, RegexOptions.Compiled, RegexOptions.NonBacktracking })
        {
            var watch = Stopwatch.StartNew();
            var parser = UserAgentParser.CreateDefault(engine);
            var load = watch.Elapsed;
            string built;
            try
            {
                parser.BuildAll();
                built = $"{(watch.Elapsed - load).TotalMilliseconds,7:F0} ms";
            }
            catch (NotSupportedException e)
            {
                built = "not possible: " + e.Message.Split('.')[0];
            }
            Console.WriteLine($"  {engine,-16} load {load.TotalMilliseconds,5:F0} ms, build all {built}");
        }
    }

    private static void ColdParses(RegexOptions[] engines)
    {
        var unseen = UnseenUserAgents();
        Console.WriteLine($"\n== cold parse of unseen user agents ({unseen.Count} distinct strings)");
        foreach (var engine in engines)
        {
            var parser = UserAgentParser.CreateDefault(engine);
            var first = Stopwatch.StartNew();
            parser.Parse(unseen[0]);
            var firstMs = first.Elapsed.TotalMilliseconds;
            parser.BuildAll();

            var times = new double[unseen.Count];
            for (var i = 0; i < unseen.Count; i++)
            {
                var t = Stopwatch.GetTimestamp();
                parser.Parse(unseen[i]);
                times[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            }
            Array.Sort(times);
            Console.WriteLine($"  {engine,-10} very first parse {firstMs,6:F1} ms; after build: median {times[times.Length / 2],6:F0} µs, " +
                              $"p90 {times[(int)(times.Length * 0.9)],6:F0} µs, max {times[^1],6:F0} µs");
        }
    }

    /// <summary>
    /// The bot flag alone on each unseen user agent (it runs once per distinct string, after the parse). Strings
    /// that are not flagged pass every check, so their figure is the cost a person's browser pays.
    /// </summary>
    private static void BotChecks()
    {
        var unseen = UnseenUserAgents();
        var parser = UserAgentParser.CreateDefault();
        var parsed = unseen.Select(parser.Parse).ToArray();
        var first = Stopwatch.StartNew();
        BotDetector.IsBotUserAgent(unseen[0], parsed[0]);
        var firstMs = first.Elapsed.TotalMilliseconds;

        var flagged = new List<double>();
        var passed = new List<double>();
        for (var round = 0; round < 2; round++) // the first round tiers the code up
        {
            flagged.Clear();
            passed.Clear();
            for (var i = 0; i < unseen.Count; i++)
            {
                var t = Stopwatch.GetTimestamp();
                var isBot = BotDetector.IsBotUserAgent(unseen[i], parsed[i]);
                (isBot ? flagged : passed).Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
            }
        }
        Console.WriteLine($"\n== bot flag of unseen user agents ({unseen.Count} distinct strings, {flagged.Count} flagged)");
        Console.WriteLine($"  first check {firstMs,6:F1} ms (loads the lists)");
        Console.WriteLine($"  not flagged: {Percentiles(passed)}");
        Console.WriteLine($"  flagged:     {Percentiles(flagged)}");
    }

    private static string Percentiles(List<double> micros)
    {
        if (micros.Count == 0) return "none";
        micros.Sort();
        return $"median {micros[micros.Count / 2],6:F1} µs, p90 {micros[(int)(micros.Count * 0.9)],6:F1} µs, max {micros[^1],6:F1} µs";
    }

    private static void WarmEnrichment(string? geoPath, int events)
    {
        using var geo = new GeoIpLookup(geoPath, watch: false);
        var analyzer = new UserAgentAnalyzer(UserAgentParser.CreateDefault());
        var enricher = new Enricher(analyzer, new BotDetector(DataCentreRanges.Load(null)), geo);
        var ips = Ips.Select(IPAddress.Parse).ToArray();
        string[] domains = ["shop.example"];

        // Warm: every user agent parsed once, JIT tiered up.
        for (var i = 0; i < 200_000; i++) Once(i);

        Console.WriteLine($"\n== warm enrichment ({UserAgents.Length} user agents, {Ips.Length} IPs, {Visits.Length} URL/referrer pairs)");
        for (var round = 0; round < 3; round++)
        {
            GC.Collect();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < events; i++) Once(i);
            var perEvent = watch.Elapsed.TotalNanoseconds / events;
            var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)events;
            Console.WriteLine($"  round {round + 1}: {perEvent / 1000,5:F2} µs/event, {bytes,5:F0} B allocated/event");
        }

        var geoOnly = Stopwatch.StartNew();
        for (var i = 0; i < events; i++) geo.Lookup(ips[i % ips.Length]);
        Console.WriteLine($"  of which GeoIP alone: {geoOnly.Elapsed.TotalNanoseconds / events / 1000:F2} µs/lookup");

        var uaOnly = Stopwatch.StartNew();
        for (var i = 0; i < events; i++) analyzer.Analyze(UserAgents[i % UserAgents.Length]);
        Console.WriteLine($"  of which user agent (cache hit): {uaOnly.Elapsed.TotalNanoseconds / events / 1000:F2} µs/lookup");

        void Once(int i)
        {
            var (url, referrer) = Visits[i % Visits.Length];
            enricher.Enrich(UserAgents[i % UserAgents.Length], null, ips[i % ips.Length], url, referrer, domains);
        }
    }

    /// <summary>uap-core's own test strings when the shared data is here (a realistic long tail), else synthetic ones.</summary>
    private static List<string> UnseenUserAgents()
    {
        var path = FindShared("uap-core/cases.json");
        var list = new List<string>();
        if (path is not null)
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            foreach (var e in json.RootElement.GetProperty("ua").EnumerateArray()) list.Add(e.GetProperty("ua").GetString()!);
        }
        else
        {
            for (var i = 0; i < 500; i++) list.Add(UserAgents[i % UserAgents.Length].Replace("124.0", $"{i}.{i % 7}"));
        }
        return list.Distinct().ToList();
    }

    private static string? FindShared(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Analytics.sln"))) continue;
            var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", relative));
            return File.Exists(path) ? path : null;
        }
        return null;
    }
}
