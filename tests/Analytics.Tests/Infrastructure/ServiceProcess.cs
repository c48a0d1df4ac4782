using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// The built service as a separate OS process, for what an in-process host cannot show: kill -9, restarts, the
/// one-process lock of the embedded engine. Its output goes to service.log in its data directory.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    public const string AdminToken = ApiFactory.AdminToken;
    readonly Dictionary<string, string> environment;
    Process? process;
    StreamWriter? log;
    readonly object logGate = new();

    public string DataDir { get; }
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public HttpClient Http { get; }
    /// <summary>The service's working directory; by default the app's own. ./run.sh starts it from the repository root.</summary>
    public string? WorkingDirectory { get; init; }

    public ServiceProcess(string dataDir, string? clickHouse = null, IDictionary<string, string>? settings = null)
    {
        DataDir = dataDir;
        Port = ClickHouseServer.FreePort();
        environment = new Dictionary<string, string>
        {
            ["ANALYTICS_URLS"] = BaseUrl,
            ["ANALYTICS_DATA_DIR"] = dataDir,
            ["ANALYTICS_ADMIN_TOKEN"] = AdminToken,
            ["ANALYTICS_CLICKHOUSE"] = clickHouse ?? "",
            ["Ingestion__RateLimitPerSecond"] = "0",
            ["Ingestion__FlushIntervalMs"] = "50",
        };
        if (TestCluster.Name is { } cluster && clickHouse == TestCluster.ConnectionString) environment["Storage__Cluster"] = cluster;
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) environment[k] = v;
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public static string AppPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var path = Path.Combine(TestPaths.RepositoryRoot, "src", "Analytics.Api", "bin", configuration, "net10.0", "Analytics.Api.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build the service first ({path}).");
        }
    }

    /// <summary>Starts the process; waits until /readyz answers 200 unless <paramref name="waitReady"/> is false.</summary>
    public async Task StartAsync(bool waitReady = true)
    {
        lock (logGate) log ??= new StreamWriter(Path.Combine(DataDir, "service.log"), append: true) { AutoFlush = true };
        process = Start(WorkingDirectory ?? Path.GetDirectoryName(AppPath)!, environment, AppendLog);
        if (waitReady) await WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>One line of the service's output; lines that arrive after the test disposed the log are dropped.</summary>
    void AppendLog(string line)
    {
        lock (logGate)
            if (log is not null) log.WriteLine(line);
    }

    static Process Start(string workingDirectory, Dictionary<string, string> environment, Action<string> log)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add(AppPath);
        foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process!.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode}: {Log()}");
            try
            {
                if ((await Http.GetAsync("/readyz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The service was not ready within {timeout}: {Log()}");
    }

    /// <summary>Waits for the process to end by itself (e.g. a start that must fail) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process!.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    public void Kill9()
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs
        process.WaitForExit(10_000);
    }

    /// <summary>A graceful stop (SIGTERM), as a service manager does it; returns the exit code (null: not running).</summary>
    public async Task<int?> StopAsync()
    {
        if (process is null || process.HasExited) return null;
        Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    public string Log() => File.Exists(Path.Combine(DataDir, "service.log")) ? File.ReadAllText(Path.Combine(DataDir, "service.log")) : "";

    public async Task<string> CreateSiteAsync(string domain)
    {
        var response = await Http.PostAsJsonAsync("/api/sites", new { name = "Fault test", domains = new[] { domain } });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Creating a site failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Log()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    /// <summary>Rows in the spool not yet written, from /readyz.</summary>
    public async Task<long> SpoolRowsAsync()
    {
        using var response = await Http.GetAsync("/readyz"); // 503 while ClickHouse is away: the body still tells
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("spool_rows").GetInt64();
    }

    public async Task WaitForEmptySpoolAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await SpoolRowsAsync() == 0) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The spool was not drained within {timeout}: {Log()}");
    }

    /// <summary>Runs <c>Analytics.Api query SQL</c> on this data directory (the CLI of README) and returns exit code, stdout, stderr.</summary>
    public Task<(int ExitCode, string Output, string Error)> QueryCliAsync(string sql) => CliAsync("query", sql);

    /// <summary>Runs <c>Analytics.Api ARGS…</c> (query, backup, restore) with this service's environment; returns exit code, stdout, stderr.</summary>
    public async Task<(int ExitCode, string Output, string Error)> CliAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(AppPath);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (k, v) in environment) info.Environment[k] = v;
        using var cli = Process.Start(info)!;
        var output = cli.StandardOutput.ReadToEndAsync();
        var error = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return (cli.ExitCode, await output, await error);
    }

    public async ValueTask DisposeAsync()
    {
        Kill9();
        Http.Dispose();
        lock (logGate)
        {
            log?.Dispose();
            log = null; // the process's output readers may still deliver a last line
        }
        await Task.CompletedTask;
    }
}
