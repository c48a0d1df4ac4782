using System.Reflection;
using System.Runtime.InteropServices;

namespace Analytics.Storage.Embedded;

/// <summary>Finds libchdb.so outside the repository: ANALYTICS_CHDB_LIBRARY, else the per-user cache that run.sh/test.sh fill.</summary>
public static class ChdbLibrary
{
    public const string PinnedVersion = "26.7.3-stable.1";
    static readonly object Gate = new();
    static string? resolvedPath;

    public static string DefaultPath()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "analytics", $"chdb-{PinnedVersion}", "libchdb.so");
    }

    public static string ConfiguredPath() =>
        Environment.GetEnvironmentVariable("ANALYTICS_CHDB_LIBRARY") is { Length: > 0 } p ? p : DefaultPath();

    /// <summary>Registers the resolver once; the library itself loads on the first call into it.</summary>
    public static void EnsureResolver()
    {
        lock (Gate)
        {
            if (resolvedPath is not null) return;
            resolvedPath = ConfiguredPath();
            if (!File.Exists(resolvedPath))
                throw new EmbeddedEngineException(
                    $"The embedded ClickHouse library was not found at '{resolvedPath}'. " +
                    "Run ./run.sh (or ./test.sh) once to fetch it, or set ANALYTICS_CHDB_LIBRARY to a libchdb.so " +
                    $"of @chdb/lib-linux-x64-gnu@{PinnedVersion}.");
            NativeLibrary.SetDllImportResolver(typeof(ChdbLibrary).Assembly, Resolve);
        }
    }

    static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == ChdbNative.Library ? NativeLibrary.Load(resolvedPath!) : 0;
}

public sealed class EmbeddedEngineException(string message) : Exception(message);
