using System.Diagnostics;
using System.Text.Json;
using Analytics.Demo;

namespace Analytics.Bench.Customers;

/// <summary>Latencies of one endpoint and case, in ms (nearest-rank percentiles over every request).</summary>
sealed record Timing(string Name, int Count, double P50, double P95, double P99, double Max)
{
    public static Timing Of(string name, List<double> ms)
    {
        ms.Sort();
        double At(double p) => ms[Math.Max(0, (int)Math.Ceiling(p * ms.Count) - 1)];
        return new Timing(name, ms.Count, At(0.50), At(0.95), At(0.99), ms[^1]);
    }
}

static partial class CustomersBench
{
    /// <summary>Of every 20 views: 10 typical customers, 4 heavy buyers, 3 multi-device, 3 shared-device.</summary>
    static readonly string[] Mix = ["typical", "typical", "heavy", "typical", "multi-device", "typical", "shared-device", "typical", "heavy", "typical",
                                    "multi-device", "typical", "heavy", "shared-device", "typical", "multi-device", "typical", "heavy", "shared-device", "typical"];

    static async Task<List<Timing>> MeasureAsync(HttpClient client, string site, List<SampleCustomer> sample, int customers, int requests, int listRequests)
    {
        var byKind = sample.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.ToList());
        var random = new Random(ShopCustomers.Seed + 4);
        SampleCustomer Pick(int i) =>
            byKind.TryGetValue(Mix[i % Mix.Length], out var kind) && kind.Count > 0 ? kind[random.Next(kind.Count)] : byKind["typical"][random.Next(byKind["typical"].Count)];

        Console.WriteLine($"  sample: {string.Join(", ", byKind.Select(k => $"{k.Key} {k.Value.Count} ({k.Value.Count(s => s.HasEvents)} with web events)"))}");
        foreach (var customer in Enumerable.Range(0, Math.Clamp(requests / 5, 5, 20)).Select(Pick)) await ViewAsync(client, site, customer); // warm-up, not counted

        var timings = new List<Timing>();
        void Add(Timing t) // said as it comes: a long run shows where it is
        {
            timings.Add(t);
            Console.WriteLine($"    {t.Name}: n {t.Count}, p50 {t.P50:F0} ms, p95 {t.P95:F0} ms (load average {BenchSupport.LoadAverage()})");
        }
        var sequential = new List<double>();
        for (var i = 0; i < requests; i++) sequential.Add(await ViewAsync(client, site, Pick(i)));
        Add(Timing.Of("360-degree view, sequential", sequential));

        var picks = Enumerable.Range(0, requests).Select(Pick).ToList();
        var concurrent = new List<double>[4];
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async w =>
        {
            concurrent[w] = [];
            for (var i = w; i < picks.Count; i += 4) concurrent[w].Add(await ViewAsync(client, site, picks[i]));
        }));
        Add(Timing.Of("360-degree view, 4 clients", concurrent.SelectMany(c => c).ToList()));

        var deepPage = Math.Max(2, customers / 2 / 50);
        var lists = new (string Name, string Query)[]
        {
            ("list, first page", ""),
            ("list, q= name prefix (Anna)", "&q=Anna"),
            ("list, q= id prefix (C0001)", "&q=C0001"),
            ("list, class=A", "&class=A"),
            ("list, segment=vip", "&segment=vip"),
            ($"list, deep page (page {deepPage})", $"&page={deepPage}"),
        };
        var all = new List<double>();
        foreach (var (name, query) in lists)
        {
            var url = $"/api/customers?site={site}&page_size=50{query}";
            await ListAsync(client, url); // warm-up
            var ms = new List<double>();
            for (var i = 0; i < listRequests; i++) ms.Add(await ListAsync(client, url));
            all.AddRange(ms);
            Add(Timing.Of(name, ms));
        }
        Add(Timing.Of("list, all cases", all));
        return timings;
    }

    /// <summary>GET /api/customers/{id}: its time in ms, once the answer is 200, names the customer and, when it has traffic, sessions.</summary>
    static async Task<double> ViewAsync(HttpClient client, string site, SampleCustomer customer)
    {
        var (ms, body) = await GetAsync(client, $"/api/customers/{customer.Id}?site={site}");
        if (!body.Contains($"\"{customer.Id}\"", StringComparison.Ordinal)) throw Implausible(customer.Id, "does not name the customer", body);
        var sessions = ArrayCount(JsonDocument.Parse(body).RootElement, "sessions");
        if (sessions < 0) throw Implausible(customer.Id, "has no sessions", body);
        if (customer.HasEvents && sessions == 0) throw Implausible(customer.Id, $"({customer.Kind}) has web events but no sessions", body);
        return ms;
    }

    /// <summary>GET /api/customers: its time in ms, once the answer is 200 with a non-empty page.</summary>
    static async Task<double> ListAsync(HttpClient client, string url)
    {
        var (ms, body) = await GetAsync(client, url);
        var root = JsonDocument.Parse(body).RootElement;
        var rows = root.ValueKind == JsonValueKind.Array ? root.GetArrayLength() : root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).Select(p => p.Value.GetArrayLength()).FirstOrDefault(-1);
        if (rows <= 0) throw Implausible(url, "answers an empty page", body);
        return ms;
    }

    static async Task<(double Ms, string Body)> GetAsync(HttpClient client, string url)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw Implausible(url, $"answers {(int)response.StatusCode}", body);
        return (ms, body);
    }

    /// <summary>The length of the array under the first property <paramref name="name"/> (or the first array in its object, when paged); -1 if none.</summary>
    static int ArrayCount(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject())
            {
                if (property.NameEquals(name))
                {
                    if (property.Value.ValueKind == JsonValueKind.Array) return property.Value.GetArrayLength();
                    if (property.Value.ValueKind == JsonValueKind.Object)
                        foreach (var inner in property.Value.EnumerateObject())
                            if (inner.Value.ValueKind == JsonValueKind.Array) return inner.Value.GetArrayLength();
                }
                if (ArrayCount(property.Value, name) is var found and >= 0) return found;
            }
        return -1;
    }

    static InvalidOperationException Implausible(string what, string why, string body) =>
        new($"{what} {why}: {body[..Math.Min(body.Length, 1500)]}");
}
