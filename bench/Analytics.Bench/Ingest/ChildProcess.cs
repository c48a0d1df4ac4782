using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Analytics.Bench.Ingest;

/// <summary>
/// A web process the bench starts (the service, or the empty endpoint) so that it has its own GC and thread
/// pool, apart from the load generator's. Its output goes to a log file; it is killed on dispose.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    readonly Process process;
    readonly StreamWriter log;

    public string Name { get; }
    public string LogPath { get; }
    public int Port { get; }
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    ChildProcess(string name, Process process, StreamWriter log, string logPath, int port)
    {
        Name = name;
        this.process = process;
        this.log = log;
        LogPath = logPath;
        Port = port;
    }

    /// <summary>Starts <c>dotnet DLL ARGS</c> and waits until GET <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<ChildProcess> StartAsync(
        string name, string dll, IEnumerable<string> arguments, int port, IReadOnlyDictionary<string, string> environment,
        string logPath, string readyPath, TimeSpan readyWithin)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["DOTNET_gcServer"] = null; // each project's own runtimeconfig decides, not the caller's shell
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}");
        var child = new ChildProcess(name, process, log, logPath, port);
        process.OutputDataReceived += (_, e) => child.Log(e.Data);
        process.ErrorDataReceived += (_, e) => child.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await child.WaitReadyAsync(readyPath, readyWithin);
            return child;
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    bool closed;

    void Log(string? line)
    {
        if (line is null) return;
        lock (log)
            if (!closed) log.WriteLine(line);
    }

    async Task WaitReadyAsync(string path, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} before it was ready; see {LogPath}");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, path));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { /* not listening yet */ }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} was not ready within {within.TotalSeconds:F0} s; see {LogPath}");
    }

    /// <summary>CPU time the process has used so far (user + system, all threads).</summary>
    public double CpuSeconds
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }
    }

    /// <summary>Resident memory now (VmRSS).</summary>
    public long RssBytes
    {
        get
        {
            process.Refresh();
            return process.WorkingSet64;
        }
    }

    /// <summary>Peak resident memory (VmHWM).</summary>
    public long PeakRssBytes
    {
        get
        {
            process.Refresh();
            return process.PeakWorkingSet64;
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            if (process.WaitForExit(10_000)) process.WaitForExit(); // and its output read to the end
        }
        process.Dispose();
        lock (log)
        {
            closed = true;
            log.Dispose();
        }
    }
}
