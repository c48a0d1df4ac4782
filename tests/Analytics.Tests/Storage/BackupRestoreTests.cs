using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Storage;

/// <summary>
/// What an operator does: <c>Analytics.Api backup DIR</c>, the data lost (a fresh data directory, the database
/// dropped), <c>Analytics.Api restore DIR</c>, and the service answers as before: the same rows, the same report, the
/// same site key and admin token. The service runs as a process, stopped for the embedded engine's backup (its data is
/// locked to one process) and running for the server's.
/// </summary>
public abstract class BackupRestoreTests(Engine engine)
{
    const string Domain = "backup.example";
    static readonly string[] Tables = ["events", "customers", "orders", "sites", "schema_migrations"];

    [Fact]
    public async Task Events_crm_rows_sites_and_files_come_back_from_a_backup_after_the_data_is_lost()
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-backup-data-").FullName;
        var backupDir = Path.Combine(Directory.CreateTempSubdirectory("analytics-backup-").FullName, "2026-12-01");
        var database = TestPaths.NewDatabase();
        var server = engine == Engine.Server ? ClickHouseServer.Shared.ConnectionString : null;
        var settings = new Dictionary<string, string> { ["Storage__Database"] = database };
        await using var service = new ServiceProcess(dataDir, server, settings);
        await service.StartAsync();
        var site = await service.CreateSiteAsync(Domain);
        for (var batch = 0; batch < 10; batch++) await CollectAsync(service, site, batch);
        await PostAsync(service, $"/api/crm/customers?site={site}",
            """[{"customer_id":"C1","email":"ada@example.com","name":"Ada"},{"customer_id":"C2","name":"Bob"}]""");
        await PostAsync(service, $"/api/crm/orders?site={site}",
            """[{"order_id":"O1","customer_id":"C1","ts":"2026-11-30T10:00:00Z","revenue":120.5,"currency":"EUR"}]""");
        await service.WaitForEmptySpoolAsync(TimeSpan.FromSeconds(30));
        var report = await OverviewAsync(service, site);
        var salts = Directory.GetFiles(Path.Combine(dataDir, "salts")).Select(Path.GetFileName).Order().ToList();
        Assert.NotEmpty(salts);

        if (engine == Engine.Embedded) Assert.Equal(0, await service.StopAsync());
        var before = await CountsAsync(service, database);
        Assert.Equal(200, before["events"]);
        var (backupExit, backupOut, backupError) = await service.CliAsync("backup", backupDir);
        Assert.True(backupExit == 0, $"backup exited with {backupExit}: {backupError}{backupOut}");
        Assert.True(File.Exists(Path.Combine(backupDir, "manifest.json")));
        Assert.True(File.Exists(Path.Combine(backupDir, "files", "sites.json")));
        var again = await service.CliAsync("backup", backupDir);
        Assert.NotEqual(0, again.ExitCode); // never over an earlier backup
        await service.StopAsync();

        // The data is lost: the whole data directory (the embedded engine's files with it), and the server's database.
        Directory.Delete(dataDir, recursive: true);
        Directory.CreateDirectory(dataDir);
        if (engine == Engine.Server) await ClickHouseServer.Shared.QueryAsync($"DROP DATABASE {database}");

        var (restoreExit, restoreOut, restoreError) = await service.CliAsync("restore", backupDir);
        Assert.True(restoreExit == 0, $"restore exited with {restoreExit}: {restoreError}{restoreOut}");
        Assert.Equal(before, await CountsAsync(service, database));
        Assert.Equal(salts, Directory.GetFiles(Path.Combine(dataDir, "salts")).Select(Path.GetFileName).Order().ToList());
        var refused = await service.CliAsync("restore", backupDir);
        Assert.NotEqual(0, refused.ExitCode); // never over rows
        Assert.Contains("holds rows", refused.Error);

        await service.StartAsync();
        Assert.Equal(report, await OverviewAsync(service, site));
        using var collect = await service.Http.PostAsync("/api/collect", new StringContent(
            $$"""{"site":"{{site}}","events":[{"type":"pageview","url":"https://{{Domain}}/after-restore"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, collect.StatusCode);
        await service.StopAsync();
        Directory.Delete(dataDir, recursive: true);
        Directory.Delete(Path.GetDirectoryName(backupDir)!, recursive: true);
    }

    /// <summary>20 pageviews of 20 visitors from a browser (a client without a user agent counts as a bot and is kept out of reports).</summary>
    static async Task CollectAsync(ServiceProcess service, string site, int batch)
    {
        var events = string.Join(",", Enumerable.Range(0, 20).Select(i =>
            $$$"""{"type":"pageview","url":"https://{{{Domain}}}/p/{{{i}}}","title":"b{{{batch}}}-e{{{i}}}","vid":"v{{{batch}}}-{{{i}}}","consent":{"analytics":true}}"""));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/collect")
        {
            Content = new StringContent($$"""{"site":"{{site}}","events":[{{events}}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        using var response = await service.Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    static async Task PostAsync(ServiceProcess service, string path, string json)
    {
        using var response = await service.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Empty(JsonDocument.Parse(body).RootElement.GetProperty("rejected").EnumerateArray());
    }

    static async Task<string> OverviewAsync(ServiceProcess service, string site)
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        using var response = await service.Http.GetAsync($"/api/reports/overview?site={site}&from={DateTime.UtcNow.AddDays(-3):yyyy-MM-dd}&to={today}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("pageviews").GetInt64() == 200, body);
        return body;
    }

    /// <summary>Rows per table, read without the service: the CLI for the embedded engine, HTTP for the server.</summary>
    async Task<Dictionary<string, long>> CountsAsync(ServiceProcess service, string database)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            string json;
            if (engine == Engine.Server)
                json = await ClickHouseServer.Shared.QueryAsync($"SELECT count() AS n FROM {database}.{table} FORMAT JSONEachRow");
            else
            {
                var (exitCode, output, error) = await service.QueryCliAsync($"SELECT count() AS n FROM {table}");
                Assert.True(exitCode == 0, $"query CLI exited with {exitCode}: {error}");
                json = output;
            }
            counts[table] = long.Parse(JsonDocument.Parse(json).RootElement.GetProperty("n").ToString());
        }
        return counts;
    }
}

public sealed class BackupRestoreTestsEmbedded() : BackupRestoreTests(Engine.Embedded);
public sealed class BackupRestoreTestsServer() : BackupRestoreTests(Engine.Server);
