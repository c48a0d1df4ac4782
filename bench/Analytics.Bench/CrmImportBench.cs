using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using static Analytics.Bench.BenchSupport;

namespace Analytics.Bench;

/// <summary>
/// POST /api/crm/customers and /api/crm/orders end to end: the built service (Release) as a child process on the
/// embedded engine (or a server with --clickhouse), 100 000 customers and 500 000 orders generated while they are
/// sent (a chunked body, never whole in memory on either side), as JSON and as CSV. Reports rows/s until the
/// answer (the rows are stored when it comes) and the service's resident memory: before, and its peak (VmHWM).
/// </summary>
internal static class CrmImportBench
{
    const string Token = BenchSupport.AdminToken;

    public static async Task<int> Run(string[] args)
    {
        var customers = int.Parse(Option(args, "--customers") ?? "100000");
        var orders = int.Parse(Option(args, "--orders") ?? "500000");
        var formats = (Option(args, "--formats") ?? "json,csv").Split(',');
        var root = FindRoot();
        if (ReleaseService(root) is not { } app) return 1;
        var clickHouse = Option(args, "--clickhouse") ?? "";
        var dataDir = Directory.CreateTempSubdirectory("analytics-crm-bench-").FullName;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}"), Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var service = StartService(app, http.BaseAddress, dataDir, Token, clickHouse);
        try
        {
            await WaitReadyAsync(http, service);
            Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, engine: {(clickHouse.Length > 0 ? "server" : "embedded")}");
            var warm = await CreateSiteAsync(http);
            foreach (var format in formats) // JIT warm, as in a running service
            {
                await ImportAsync(http, warm, "customers", format, 2000, Customers);
                await ImportAsync(http, warm, "orders", format, 2000, Orders);
            }
            Console.WriteLine($"service RSS after warm-up: {Memory(service.Id, "VmRSS")} MB, peak so far {Memory(service.Id, "VmHWM")} MB");
            foreach (var format in formats)
            {
                var site = await CreateSiteAsync(http);
                foreach (var (kind, rows, write) in new (string, int, RowWriter)[] { ("customers", customers, Customers), ("orders", orders, Orders) })
                {
                    service.Refresh();
                    var cpuBefore = service.TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    var report = await ImportAsync(http, site, kind, format, rows, write);
                    var seconds = clock.Elapsed.TotalSeconds;
                    service.Refresh();
                    // On a shared machine the wall clock also measures the neighbours: the service's own CPU time does not.
                    var cpu = (service.TotalProcessorTime - cpuBefore).TotalSeconds;
                    Console.WriteLine($"{format,-4} {kind,-9} {rows,9:N0} rows in {seconds,6:F1} s = {rows / seconds,8:N0} rows/s ({rows / cpu,8:N0} per service CPU-second); " +
                                      $"service RSS now {Memory(service.Id, "VmRSS")} MB, peak {Memory(service.Id, "VmHWM")} MB");
                }
            }
            Console.WriteLine($"machine load average: {LoadAverage()}");
            return 0;
        }
        finally
        {
            if (!service.HasExited) service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    internal delegate void RowWriter(TextWriter text, string format, int index, Random random);

    static void Customers(TextWriter text, string format, int i, Random random)
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + i * 60L).ToUnixTimeMilliseconds();
        var segment = (i % 4) switch { 0 => "vip", 1 => "regular", 2 => "new", _ => "b2b" };
        var consent = i % 3 == 0;
        if (format == "json")
            text.Write($"{{\"customer_id\":\"C{i}\",\"email\":\"c{i}@example.com\",\"name\":\"Customer {i}\",\"segment\":\"{segment}\",\"created_at\":{created}," +
                       $"\"attributes\":{{\"tier\":\"t{i % 5}\",\"city\":\"City {i % 300}\"}},\"marketing_consent\":{(consent ? "true" : "false")},\"marketing_consent_at\":{created}," +
                       $"\"visitor_ids\":[\"v{i}a\",\"v{i}b\"]}}");
        else
            text.Write($"C{i},c{i}@example.com,\"Customer {i}, the {i % 7}th\",{segment},{created},t{i % 5},City {i % 300},{(consent ? "true" : "false")},{created},v{i}a;v{i}b\n");
    }

    const string CustomersHeader = "customer_id,email,name,segment,created_at,attributes.tier,attributes.city,marketing_consent,marketing_consent_at,visitor_ids\n";
    const string OrdersHeader = "order_id,customer_id,ts,revenue,currency,cost_of_goods,status,items\n";

    static void Orders(TextWriter text, string format, int i, Random random)
    {
        var ts = DateTimeOffset.FromUnixTimeSeconds(1_720_000_000 + i * 30L).ToUnixTimeMilliseconds();
        var items = new StringBuilder("[");
        var count = 1 + random.Next(3);
        var revenue = 0.0;
        for (var k = 0; k < count; k++)
        {
            var price = 5 + random.Next(100) + 0.99;
            var quantity = 1 + random.Next(3);
            revenue += price * quantity;
            if (k > 0) items.Append(',');
            items.Append(CultureInfo.InvariantCulture, $"{{\"sku\":\"S{random.Next(5000)}\",\"name\":\"Product\",\"category\":\"Cat {random.Next(40)}\",\"quantity\":{quantity},\"price\":{price}}}");
        }
        items.Append(']');
        var status = i % 25 == 0 ? "returned" : "paid";
        var cost = (revenue * 0.6).ToString("F2", CultureInfo.InvariantCulture);
        var total = revenue.ToString("F2", CultureInfo.InvariantCulture);
        if (format == "json")
            text.Write($"{{\"order_id\":\"O{i}\",\"customer_id\":\"C{i % 100_000}\",\"ts\":{ts},\"revenue\":{total},\"currency\":\"EUR\",\"cost_of_goods\":{cost},\"status\":\"{status}\",\"items\":{items}}}");
        else
            text.Write($"O{i},C{i % 100_000},{ts},{total},EUR,{cost},{status},\"{items.Replace("\"", "\"\"")}\"\n");
    }

    /// <summary>A body written while it is sent: chunked, generated row by row.</summary>
    internal sealed class GeneratedBody(string kind, string format, int rows, RowWriter write) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var text = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            var random = new Random(rows);
            if (format == "json") text.Write('[');
            else text.Write(kind == "customers" ? CustomersHeader : OrdersHeader);
            for (var i = 0; i < rows; i++)
            {
                if (format == "json" && i > 0) text.Write(',');
                write(text, format, i, random);
                if (i % 1000 == 999) await text.FlushAsync();
            }
            if (format == "json") text.Write(']');
            await text.FlushAsync();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    static async Task<JsonElement> ImportAsync(HttpClient http, string site, string kind, string format, int rows, RowWriter write)
    {
        var content = new GeneratedBody(kind, format, rows, write);
        content.Headers.ContentType = new MediaTypeHeaderValue(format == "json" ? "application/json" : "text/csv");
        using var response = await http.PostAsync($"/api/crm/{kind}?site={site}", content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        var report = JsonDocument.Parse(body).RootElement;
        if (report.GetProperty("upserted").GetInt64() != rows) throw new InvalidOperationException($"upserted is not {rows}: {body[..Math.Min(body.Length, 2000)]}");
        return report;
    }

    /// <summary>A line of /proc/PID/status in MB: VmRSS (resident now) or VmHWM (the peak).</summary>
    static long Memory(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    static async Task<string> CreateSiteAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/sites", new { name = "CRM bench", domains = new[] { "shop.example" } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}
