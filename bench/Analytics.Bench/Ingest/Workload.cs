using System.Buffers;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Sites;
using Microsoft.Extensions.Options;

namespace Analytics.Bench.Ingest;

/// <summary>
/// What the load generator sends: realistic tracker pageviews (url, referrer, title, screen, lang, ts, ids with
/// consent) as ready-made collect bodies, and the same events as the rows the service would store, for the
/// raw-insert baseline.
/// </summary>
internal static class Workload
{
    public const string Domain = "bench.example";
    public const string Origin = "https://" + Domain;

    public static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    ];

    static readonly string[] Paths =
    [
        "/", "/p/1", "/p/2", "/p/3", "/p/17-running-shoe-blue", "/c/shoes", "/c/shoes?sort=price&page=2", "/cart",
        "/checkout", "/blog/how-to-choose-a-running-shoe", "/search?q=trail+shoes", "/account/orders",
    ];

    static readonly string?[] Referrers =
    [
        null, "https://www.google.com/", "https://www.bing.com/", "https://l.facebook.com/", Origin + "/",
        Origin + "/c/shoes", "https://news.ycombinator.com/item?id=1", "https://duckduckgo.com/",
    ];

    static readonly string[] Titles = ["Bench Shop", "Running shoe, blue – Bench Shop", "Shoes – Bench Shop", "Your cart", "Checkout"];
    static readonly string[] Screens = ["1920x1080", "1536x864", "390x844", "412x915", "2560x1440"];
    static readonly string[] Langs = ["de-DE", "en-US", "en-GB", "fr-FR", "nl-NL"];

    /// <summary><paramref name="count"/> distinct bodies of <paramref name="eventsPerRequest"/> pageviews each, UTF-8 JSON.</summary>
    public static byte[][] Bodies(string siteKey, int eventsPerRequest, int count, int seed)
    {
        var random = new Random(seed);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var bodies = new byte[count][];
        var buffer = new ArrayBufferWriter<byte>(1024 * eventsPerRequest);
        for (var b = 0; b < count; b++)
        {
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("site", siteKey);
                json.WriteStartArray("events");
                var visitor = Id(random);
                var session = Id(random);
                var consent = random.Next(3) > 0; // two in three visitors consented
                for (var e = 0; e < eventsPerRequest; e++)
                    Pageview(json, random, now - random.Next(1, 60_000), consent, visitor, session);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            bodies[b] = buffer.WrittenSpan.ToArray();
        }
        return bodies;
    }

    static void Pageview(Utf8JsonWriter json, Random random, long ts, bool consent, string visitor, string session)
    {
        json.WriteStartObject();
        json.WriteString("type", "pageview");
        json.WriteNumber("ts", ts);
        json.WriteString("url", Origin + Pick(random, Paths));
        if (Pick(random, Referrers) is { } referrer) json.WriteString("referrer", referrer);
        json.WriteString("title", Pick(random, Titles));
        if (consent)
        {
            json.WriteString("vid", visitor);
            json.WriteString("sid", session);
        }
        json.WriteStartObject("consent");
        json.WriteBoolean("analytics", consent);
        json.WriteBoolean("marketing", consent && random.Next(2) == 0);
        json.WriteEndObject();
        json.WriteString("screen", Pick(random, Screens));
        json.WriteString("lang", Pick(random, Langs));
        json.WriteEndObject();
    }

    /// <summary>
    /// The rows the service stores for these bodies, made by the service's own reader and pipeline, so the raw
    /// baseline inserts exactly what the writer would (each with a fresh event id).
    /// </summary>
    public static List<EventRow> Rows(IReadOnlyList<byte[]> bodies, int rowCount)
    {
        var salts = Directory.CreateTempSubdirectory("bench-salts-").FullName;
        var enricher = new Analytics.Enrichment.Enricher(
            new Analytics.Enrichment.UserAgents.UserAgentAnalyzer(Analytics.Enrichment.UserAgents.UserAgentParser.CreateDefault()),
            new Analytics.Enrichment.Bots.BotDetector(Analytics.Enrichment.Bots.DataCentreRanges.Load(null)),
            new Analytics.Enrichment.GeoIp.GeoIpLookup(null));
        var visitors = new Analytics.Enrichment.Visitors.VisitorHash(new Analytics.Enrichment.Visitors.DailySalts(salts));
        var pipeline = new EventPipeline(Options.Create(new IngestionOptions()), enricher, visitors);
        var site = new Site("bench-site-id", "bench", "Bench", [Domain], "UTC", 395, DateTimeOffset.UtcNow);
        var rows = new List<EventRow>(rowCount);
        var errors = new List<FieldError>();
        for (var b = 0; rows.Count < rowCount; b++)
        {
            using var document = JsonDocument.Parse(bodies[b % bodies.Count]);
            var client = new ClientContext(System.Net.IPAddress.Loopback, UserAgents[b % UserAgents.Length], null, DateTimeOffset.UtcNow);
            foreach (var json in document.RootElement.GetProperty("events").EnumerateArray())
            {
                var raw = RawEvent.Read(json, errors);
                if (errors.Count > 0) throw new InvalidOperationException($"The bench workload is invalid: {errors[0]}");
                rows.Add(pipeline.ToRow(raw, site, client));
                if (rows.Count == rowCount) break;
            }
        }
        return rows;
    }

    static string Id(Random random) => Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()));

    static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}
