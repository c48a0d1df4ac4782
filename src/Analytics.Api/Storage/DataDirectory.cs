namespace Analytics.Storage;

/// <summary>
/// The one place that says where the service keeps its data: <c>ANALYTICS_DATA_DIR</c>, else <c>Storage:DataDir</c>,
/// else <c>.data</c> in the working directory, as an absolute path. Spool, embedded engine, salts and sites.json
/// all live under it.
/// </summary>
public static class DataDirectory
{
    public const string Default = ".data";

    public static string Resolve(IConfiguration configuration)
    {
        var configured = configuration["ANALYTICS_DATA_DIR"] is { Length: > 0 } fromEnvironment ? fromEnvironment
            : configuration["Storage:DataDir"] is { Length: > 0 } fromSettings ? fromSettings
            : Default;
        return Path.GetFullPath(configured);
    }

    /// <summary>Creates the directory for its owner only, and closes one that an earlier tool (mkdir -p) left open to others.</summary>
    public static void Prepare(string path)
    {
        PrivateFiles.CreateDirectory(path);
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) != PrivateFiles.DirectoryMode)
            File.SetUnixFileMode(path, PrivateFiles.DirectoryMode);
    }
}
