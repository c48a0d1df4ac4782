using System.Diagnostics;
using System.Text.Json;
using Analytics.Sites;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Faults;

/// <summary>
/// The service in process with a ClickHouse server that never answers (a port nobody listens on), as after an
/// outage at start: its one site comes from sites.json. Its data directory is <see cref="Data"/>, below the test's
/// directory (which keeps service.log), so that a test can mount a small file system there.
/// </summary>
public sealed class OfflineApi : ApiFactory
{
    public const string SiteKey = "offline-site";
    public const string Domain = "offline.example";
    readonly string connectionString = $"Host=127.0.0.1;Port={ClickHouseServer.FreePort()};Username=default;Password=";
    readonly Dictionary<string, string?> extra;
    int disposed;

    public string Data { get; }
    public bool Mounted { get; }
    readonly long tmpfsSize;

    /// <param name="tmpfsBytes">When set, <see cref="Data"/> is a tmpfs of this size: a disk that fills up for real.</param>
    public OfflineApi(IDictionary<string, string?>? settings = null, int? tmpfsBytes = null) : base(Engine.Embedded)
    {
        extra = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        Data = Path.Combine(DataDir, "data");
        Directory.CreateDirectory(Data);
        if (tmpfsBytes is { } size)
        {
            Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", Data);
            Mounted = true;
            tmpfsSize = size;
        }
        var site = new Site("0fflinesite0000000000000000000000", SiteKey, "Offline shop", [Domain], "UTC", 30, DateTimeOffset.UtcNow);
        File.WriteAllText(Path.Combine(Data, "sites.json"), JsonSerializer.Serialize([site], SitesJson.Default.ListSite));
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        new Dictionary<string, string?>(extra) { ["ANALYTICS_CLICKHOUSE"] = connectionString, ["ANALYTICS_DATA_DIR"] = Data };

    /// <summary>Fills what is left of the tmpfs, so that the next write of any size fails with ENOSPC.</summary>
    public void FillDisk()
    {
        // Never fill the machine's own disk: write only where the small tmpfs really is, and no more than it holds.
        if (!Mounted) throw new InvalidOperationException("FillDisk needs the tmpfs (tmpfsBytes).");
        var total = new DriveInfo(Data).TotalSize;
        if (total > 2 * tmpfsSize)
            throw new InvalidOperationException($"{Data} is a file system of {total} bytes, not the tmpfs of {tmpfsSize}: not filling it.");
        using var filler = new FileStream(Path.Combine(Data, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var chunk = new byte[4096];
        try
        {
            for (long written = 0; written <= 2 * tmpfsSize; written += chunk.Length) filler.Write(chunk);
            filler.Flush();
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full, as wanted
            return;
        }
        throw new InvalidOperationException($"Wrote twice the tmpfs size to {Data} without ENOSPC.");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Interlocked.Exchange(ref disposed, 1) == 1) return; // WebApplicationFactory comes here twice
        // Lazy: the service's files may still be closing; the mount goes once they are.
        if (Mounted) Run("umount", "-l", Data);
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { /* best effort, as ApiFactory */ }
        catch (UnauthorizedAccessException) { /* best effort */ }
    }

    static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error} (these tests run as root, as in CI)");
    }
}
