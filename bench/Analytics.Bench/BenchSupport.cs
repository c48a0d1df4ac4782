using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Analytics.Bench;

/// <summary>What every bench mode needs: its options, the repository, a free port, the load, a ready service.</summary>
static class BenchSupport
{
    /// <summary>The admin token the modes give the services they start (ANALYTICS_ADMIN_TOKEN); a bench-only value.</summary>
    public const string AdminToken = "bench-admin-token-0123456789";

    /// <summary>The value after <paramref name="name"/> on the command line, or null.</summary>
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Analytics.sln"))) return dir.FullName;
        throw new InvalidOperationException("Analytics.sln not found above the bench.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The machine's load average, printed beside figures: a busy machine makes slow ones.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";

    /// <summary>Waits until the service under test answers /readyz with 200 (60 s at most).</summary>
    public static async Task WaitReadyAsync(HttpClient http, Process service)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (service.HasExited) throw new InvalidOperationException($"The service exited with {service.ExitCode}.");
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { } // not listening yet
            await Task.Delay(100);
        }
        throw new TimeoutException("The service was not ready within 60 s.");
    }

    /// <summary>The Release build of the service, or null (with a message) when it has not been built.</summary>
    public static string? ReleaseService(string root)
    {
        var app = Path.Combine(root, "src", "Analytics.Api", "bin", "Release", "net10.0", "Analytics.Api.dll");
        if (File.Exists(app)) return app;
        Console.Error.WriteLine($"Build the service in Release first: {app}");
        return null;
    }

    /// <summary>
    /// Starts the service at <paramref name="baseUrl"/> as a child process with its own data directory and admin
    /// token, logging warnings and errors only (prefixed "service: " on stderr).
    /// </summary>
    public static Process StartService(string app, Uri baseUrl, string dataDir, string token, string clickHouse, IReadOnlyDictionary<string, string>? settings = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(app)! };
        info.ArgumentList.Add(app);
        info.Environment["ANALYTICS_URLS"] = baseUrl.ToString().TrimEnd('/');
        info.Environment["ANALYTICS_DATA_DIR"] = dataDir;
        info.Environment["ANALYTICS_ADMIN_TOKEN"] = token;
        info.Environment["ANALYTICS_CLICKHOUSE"] = clickHouse;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var service = Process.Start(info)!;
        service.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("service: " + e.Data); };
        service.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("service: " + e.Data); };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        return service;
    }
}
