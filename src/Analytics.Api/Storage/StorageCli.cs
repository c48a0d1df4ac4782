using Analytics.Storage.Embedded;
using Analytics.Storage.Server;

namespace Analytics.Storage;

/// <summary>
/// <c>Analytics.Api query "SQL"</c>: runs one statement on the configured engine and prints JSONEachRow, so the
/// stored data can be read without the service (./run.sh query "…"). The embedded engine locks its data path to
/// one process: with the service running this ends with a clear message and exit code 2, not a crash.
/// <c>backup DIR</c> and <c>restore DIR</c>: <see cref="Backup.BackupCli"/>.
/// </summary>
public static class StorageCli
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (Backup.BackupCli.IsCommand(args))
        {
            exitCode = Backup.BackupCli.Run(args);
            return true;
        }
        if (args.Length == 0 || args[0] != "query") return false;
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Analytics.Api query \"SELECT count() FROM events\"");
            exitCode = 64;
            return true;
        }
        var dataDir = DataDirectory.Resolve(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        var server = Environment.GetEnvironmentVariable("ANALYTICS_CLICKHOUSE");
        var database = Environment.GetEnvironmentVariable("Storage__Database") is { Length: > 0 } db ? db : "analytics";
        if (!string.IsNullOrWhiteSpace(server))
        {
            var cluster = Environment.GetEnvironmentVariable("Storage__Cluster");
            exitCode = Run(() => new ServerClickHouse(server, database, string.IsNullOrEmpty(cluster) ? null : cluster), args[1]);
            return true;
        }
        exitCode = NativeExit.Leave(Run(() => new EmbeddedClickHouse(Path.Combine(dataDir, "clickhouse"), database, 1, new StorageOptions().EmbeddedSettings), args[1]));
        return true;
    }

    static int Run(Func<IClickHouse> open, string sql)
    {
        try
        {
            var clickHouse = open();
            Console.Write(clickHouse.QueryJsonEachRowAsync(Sql.Trusted(sql)).GetAwaiter().GetResult());
            return 0;
        }
        catch (Exception e) when (e is EmbeddedEngineException or ClickHouseException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
