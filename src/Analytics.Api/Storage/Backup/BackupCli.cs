using Analytics.Storage.Embedded;
using Analytics.Storage.Server;

namespace Analytics.Storage.Backup;

/// <summary>
/// <c>Analytics.Api backup DIR</c> and <c>Analytics.Api restore DIR</c> (./run.sh backup|restore DIR): the database
/// and the data directory's own files in one directory. The embedded engine locks its data to one process, so these
/// run while the service is stopped; on a ClickHouse server they run beside a running service.
/// </summary>
public static class BackupCli
{
    /// <summary>
    /// Where ClickHouse's own BACKUP writes, as the ClickHouse server sees it: <c>DIR/clickhouse</c>, or, when
    /// <c>ANALYTICS_BACKUP_CLICKHOUSE_DIR</c> is set (the server runs elsewhere, e.g. in its own container with its own
    /// backups volume, docker-compose.yml), a directory of DIR's name below it. The server must allow that path
    /// (<c>backups.allowed_path</c>); the backup command opens the embedded engine allowing every path (the service does not).
    /// </summary>
    public static string ServerDirectory(string directory) =>
        Environment.GetEnvironmentVariable("ANALYTICS_BACKUP_CLICKHOUSE_DIR") is { Length: > 0 } root
            ? Path.Combine(root, Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)))
            : Path.Combine(directory, "clickhouse");

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "backup" or "restore";

    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Analytics.Api backup DIR   |   Analytics.Api restore DIR");
            return 64;
        }
        var directory = Path.GetFullPath(args[1]);
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var dataDir = DataDirectory.Resolve(configuration);
        var server = configuration["ANALYTICS_CLICKHOUSE"];
        var database = configuration["Storage:Database"] is { Length: > 0 } db ? db : "analytics";
        var embeddedPath = configuration["Storage:EmbeddedPath"] is { Length: > 0 } path ? Path.GetFullPath(path) : Path.Combine(dataDir, "clickhouse");
        try
        {
            var exit = string.IsNullOrWhiteSpace(server)
                ? Execute(args[0], () => new EmbeddedClickHouse(embeddedPath, database, 1,
                    // BACKUP/RESTORE … File(DIR) where the operator names; only this command's engine may write there, not the service's.
                    [.. new StorageOptions().EmbeddedSettings, "--backups.allowed_path=/"]), directory, dataDir, embeddedPath)
                : Execute(args[0], () => OpenServer(server, database), directory, dataDir, embeddedPath);
            return string.IsNullOrWhiteSpace(server) ? NativeExit.Leave(exit) : exit;
        }
        catch (EmbeddedEngineException e)
        {
            Console.Error.WriteLine($"{e.Message}\nThe embedded engine's data is open in another process: stop the service, then run this again.");
            return NativeExit.Leave(2);
        }
    }

    static IClickHouse OpenServer(string connectionString, string database)
    {
        var server = new ServerClickHouse(connectionString, database);
        server.EnsureDatabaseAsync(CancellationToken.None).GetAwaiter().GetResult();
        return server;
    }

    static int Execute(string command, Func<IClickHouse> open, string directory, string dataDir, string embeddedPath)
    {
        try
        {
            if (command == "backup") Backup(open, directory, dataDir, embeddedPath);
            else Restore(open, directory, dataDir);
            return 0;
        }
        catch (Exception e) when (e is BackupException or ClickHouseException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    static void Backup(Func<IClickHouse> open, string directory, string dataDir, string embeddedPath)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new BackupException($"{directory} is not empty: a backup goes into a new directory.");
        PrivateFiles.CreateDirectory(directory); // salts and tokens: the owner's only, like the data directory
        // The files first: an event still in the spool now is either in the copied spool or, once written, in the
        // database saved after it, never in neither. (One in both is skipped when the spool is replayed.)
        var files = Directory.Exists(dataDir)
            ? DataDirectoryCopy.CopyTree(dataDir, Path.Combine(directory, "files"), [embeddedPath, directory])
            : 0;
        Console.WriteLine($"Saved {files} files of {dataDir}.");
        var clickHouse = open();
        var manifest = new DatabaseBackup(clickHouse, Console.Out).SaveAsync(directory, ServerDirectory(directory), CancellationToken.None).GetAwaiter().GetResult();
        manifest.Write(directory);
        Console.WriteLine($"Backup complete: {directory}");
    }

    static void Restore(Func<IClickHouse> open, string directory, string dataDir)
    {
        var manifest = BackupManifest.Read(directory);
        var clickHouse = open();
        Console.WriteLine($"Restoring database {manifest.Database} of {manifest.CreatedAt:u} ({manifest.Engine}, ClickHouse {manifest.ClickHouseVersion}, {manifest.Method}) into {clickHouse.Database}:");
        new DatabaseBackup(clickHouse, Console.Out).RestoreAsync(directory, ServerDirectory(directory), manifest, CancellationToken.None).GetAwaiter().GetResult();
        var files = Path.Combine(directory, "files");
        DataDirectory.Prepare(dataDir);
        var copied = Directory.Exists(files) ? DataDirectoryCopy.CopyTree(files, dataDir) : 0;
        Console.WriteLine($"Restored {copied} files into {dataDir}. Start the service: the spool is written to ClickHouse at start.");
    }
}
