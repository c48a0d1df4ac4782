using System.Net.Http.Headers;
using System.Net.Http.Json;
using Analytics.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// The real service in process (WebApplicationFactory) on one engine, with its own database and data directory,
/// so test classes do not see each other's rows. Real HTTP through the test server; real ClickHouse behind it.
/// </summary>
public class ApiFactory(Engine engine, string? database = null, string? dataDir = null) : WebApplicationFactory<Program>
{
    public const string AdminToken = "test-admin-token-0123456789";
    public Engine Engine { get; } = engine;
    public string Database { get; } = database ?? TestPaths.NewDatabase();
    public string DataDir { get; } = dataDir ?? Directory.CreateTempSubdirectory("analytics-api-").FullName;
    /// <summary>False for a run that hands its data directory to a later run (restart tests).</summary>
    public bool DeleteDataOnDispose { get; init; } = true;

    /// <summary>Settings a test class wants on top of the defaults (e.g. a small body limit).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ANALYTICS_DATA_DIR"] = DataDir,
            ["ANALYTICS_ADMIN_TOKEN"] = AdminToken,
            ["Storage:Database"] = Database,
            ["Storage:EmbeddedPath"] = TestPaths.EmbeddedData,
            ["ANALYTICS_CLICKHOUSE"] = Engine == Engine.Server ? TestCluster.ConnectionString : "",
            ["Storage:Cluster"] = Engine == Engine.Server ? TestCluster.Name : null,
            ["Ingestion:RateLimitPerSecond"] = "0",
            ["Ingestion:FlushIntervalMs"] = "20",
        };
        foreach (var (k, v) in Settings) settings[k] = v;
        builder.UseSetting("ANALYTICS_URLS", "http://127.0.0.1:0");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        builder.ConfigureLogging(l => l.AddProvider(new FileLoggerProvider(Path.Combine(DataDir, "service.log"))));
        builder.ConfigureServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestRemoteAddress>());
    }

    public IClickHouse ClickHouse => Services.GetRequiredService<IClickHouse>();

    public HttpClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>Creates a site through the API and returns its key.</summary>
    public async Task<string> CreateSiteAsync(params string[] domains)
    {
        var response = await Admin().PostAsJsonAsync("/api/sites", new { name = "Test shop", domains = domains.Length > 0 ? domains : ["shop.example"] });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetString()!;
    }

    /// <summary>Waits until the writer has stored <paramref name="expected"/> rows matching the condition (or fails).</summary>
    public async Task<long> WaitForRowsAsync(Sql where, long expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        long count;
        do
        {
            count = await CountAsync(where);
            if (count >= expected) return count;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);
        return count;
    }

    /// <summary>Rows of <c>events</c> matching a condition: <c>CountAsync(Sql.Query($"site_id = {siteId}"))</c>.</summary>
    public async Task<long> CountAsync(Sql where) =>
        (await ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM events WHERE {where}"), StorageJson.Default.CountRow))!.N;

    public async Task<string> SiteIdAsync(string key)
    {
        var site = await Admin().GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/sites/{key}");
        return site.GetProperty("id").GetString()!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!DeleteDataOnDispose || Environment.GetEnvironmentVariable("ANALYTICS_TEST_KEEP") == "1") return; // keep logs and spool
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}

public sealed class EmbeddedApi() : ApiFactory(Engine.Embedded);
public sealed class ServerApi() : ApiFactory(Engine.Server);


/// <summary>
/// The in-process test server has no client address; a test names one with the X-Test-Remote-Ip header, as a
/// real connection would have it. Only in tests: the service itself never reads this header.
/// </summary>
sealed class TestRemoteAddress : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (System.Net.IPAddress.TryParse(http.Request.Headers["X-Test-Remote-Ip"].ToString(), out var ip))
                http.Connection.RemoteIpAddress = ip;
            return nextMiddleware(http);
        });
        next(app);
    };
}
