using System.Net;
using MaxMind.Db;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Enrichment.GeoIp;

/// <summary>IP → country, region, city from a memory-mapped mmdb that is reopened when the file changes.</summary>
/// <remarks>
/// Without a configured file every answer is <see cref="GeoLocation.Unknown"/>: geo fields stay empty, nothing
/// fails. Replace the database by writing a new file and renaming it over the old one (as geoipupdate does):
/// a rename swaps the file atomically, whereas copying over a mapped file in place can be read half-written.
/// A change is noticed by a file watcher and, as a fallback where watchers miss events, by comparing the
/// file's time and size at most every <c>checkInterval</c>. The new reader is swapped in atomically; the old
/// one is disposed a little later, once lookups still running on it have finished.
/// </remarks>
public sealed class GeoIpLookup : IDisposable
{
    private static readonly TimeSpan RetireDelay = TimeSpan.FromSeconds(10);

    private readonly string? path;
    private readonly long checkIntervalMs;
    private readonly ILogger logger;
    private readonly FileSystemWatcher? watcher;
    private volatile GeoDatabase? database;
    private (DateTime WrittenUtc, long Length) loadedStamp;
    private long nextCheckAt;
    private int checking;

    /// <param name="path">The mmdb file, or null/empty for "no geolocation".</param>
    /// <param name="checkInterval">How often at most the file's time and size are compared (default 30 s).</param>
    public GeoIpLookup(string? path, TimeSpan? checkInterval = null, bool watch = true, ILogger<GeoIpLookup>? logger = null)
    {
        this.logger = logger ?? NullLogger<GeoIpLookup>.Instance;
        checkIntervalMs = (long)(checkInterval ?? TimeSpan.FromSeconds(30)).TotalMilliseconds;
        if (string.IsNullOrWhiteSpace(path))
        {
            this.logger.LogInformation("No GeoIP database configured: country, region and city stay empty");
            return;
        }

        this.path = Path.GetFullPath(path);
        if (File.Exists(this.path)) Load();
        else this.logger.LogWarning("GeoIP database {Path} does not exist yet: geo fields stay empty until it appears", this.path);
        nextCheckAt = Environment.TickCount64 + checkIntervalMs;
        if (watch && Directory.Exists(Path.GetDirectoryName(this.path))) watcher = TryWatch(this.path);
    }

    /// <summary>True when a database is open (a configured file that does not exist yet is picked up when it appears).</summary>
    public bool IsConfigured => database is not null;

    /// <summary>The open database's type as its metadata says ("GeoLite2-City", "country ipvAll" …).</summary>
    public string? DatabaseType => database?.DatabaseType;

    /// <summary>True when the data comes from DB-IP, whose CC BY 4.0 licence requires a visible attribution.</summary>
    public bool UsesDbIp { get; private set; }

    /// <summary>The attribution the dashboard must show, or null when none is required.</summary>
    public string? Attribution => UsesDbIp ? "IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0" : null;

    /// <summary>Where <paramref name="ip"/> is; unknown for null, private, loopback and unlisted addresses.</summary>
    public GeoLocation Lookup(IPAddress? ip)
    {
        if (ip is null || path is null) return GeoLocation.Unknown;
        if (Environment.TickCount64 >= Volatile.Read(ref nextCheckAt)) ReloadIfChanged();
        if (!PublicAddress.IsPublic(ip)) return GeoLocation.Unknown;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        return database?.Lookup(ip) ?? GeoLocation.Unknown;
    }

    /// <summary>Reopens the file now if its time or size changed since it was loaded.</summary>
    public void ReloadIfChanged()
    {
        if (path is null || Interlocked.Exchange(ref checking, 1) == 1) return; // another thread is on it
        try
        {
            Volatile.Write(ref nextCheckAt, Environment.TickCount64 + checkIntervalMs);
            var file = new FileInfo(path);
            // A missing file is most likely mid-replacement: keep answering from the old one.
            if (!file.Exists || (file.LastWriteTimeUtc, file.Length) == loadedStamp) return;
            Load();
        }
        catch (Exception e) when (e is InvalidDatabaseException or IOException or NotSupportedException)
        {
            // Typically a file still being written; the next check tries again, the old data stays in use.
            logger.LogWarning(e, "GeoIP database {Path} changed but could not be opened; keeping the previous one", path);
        }
        finally
        {
            Volatile.Write(ref checking, 0);
        }
    }

    private void Load()
    {
        var file = new FileInfo(path!);
        var stamp = (file.LastWriteTimeUtc, file.Length);
        var opened = new GeoDatabase(path!);
        UsesDbIp = LooksLikeDbIp(path!, opened.DatabaseType);
        var previous = Interlocked.Exchange(ref database, opened);
        loadedStamp = stamp;
        logger.LogInformation("GeoIP database {Path} loaded: type {DatabaseType}, DB-IP attribution required: {UsesDbIp}",
            path, opened.DatabaseType, UsesDbIp);
        if (previous is not null) _ = Task.Delay(RetireDelay).ContinueWith(_ => previous.Dispose(), TaskScheduler.Default);
    }

    // ip-location-db's DB-IP files say only "country ipvAll" in their metadata, so the file name counts too.
    private static bool LooksLikeDbIp(string path, string databaseType) =>
        Path.GetFileName(path).Contains("dbip", StringComparison.OrdinalIgnoreCase)
        || databaseType.Contains("dbip", StringComparison.OrdinalIgnoreCase)
        || databaseType.Contains("db-ip", StringComparison.OrdinalIgnoreCase);

    private FileSystemWatcher? TryWatch(string file)
    {
        try
        {
            return Watch(file);
        }
        catch (IOException e)
        {
            // E.g. the inotify instance limit: the periodic time-and-size check still notices changes.
            logger.LogWarning(e, "Cannot watch GeoIP database {Path}; checking it every {Seconds} s instead", file, checkIntervalMs / 1000);
            return null;
        }
    }

    private FileSystemWatcher Watch(string file)
    {
        var w = new FileSystemWatcher(Path.GetDirectoryName(file)!, Path.GetFileName(file))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        // Only a hint: the next lookup checks the file's stamp (it may still be being written).
        FileSystemEventHandler changed = (_, _) => Volatile.Write(ref nextCheckAt, 0);
        w.Changed += changed;
        w.Created += changed;
        w.Renamed += (_, _) => Volatile.Write(ref nextCheckAt, 0);
        w.EnableRaisingEvents = true;
        return w;
    }

    public void Dispose()
    {
        watcher?.Dispose();
        Interlocked.Exchange(ref database, null)?.Dispose();
    }
}
