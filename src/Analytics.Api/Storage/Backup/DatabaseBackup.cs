using System.Text.RegularExpressions;

namespace Analytics.Storage.Backup;

/// <summary>
/// Saves and restores the service's database. ClickHouse's own <c>BACKUP</c>/<c>RESTORE</c> where the version has it
/// (the embedded chDB 26.7, servers from 23.x), else <c>ALTER TABLE … FREEZE</c> with the frozen parts copied out of
/// the server's <c>shadow/</c> and attached again on restore (18.16). The freeze path reads the server's files, so it
/// runs on the database host, as a user that may read (and, to restore, write) the server's data directory.
/// </summary>
public sealed partial class DatabaseBackup(IClickHouse clickHouse, TextWriter log)
{
    const int FirstVersionWithBackup = 23;

    /// <param name="directory">The backup directory; a freeze copies the parts into it.</param>
    /// <param name="serverDirectory">Where ClickHouse's BACKUP writes, as the engine sees the path (<see cref="BackupCli.ServerDirectory"/>).</param>
    public async Task<BackupManifest> SaveAsync(string directory, string serverDirectory, CancellationToken ct)
    {
        var version = await VersionAsync(ct);
        var tables = new List<BackupTable>();
        foreach (var name in await TableNamesAsync(ct))
            tables.Add(new BackupTable(name, await CountAsync(name, ct)));
        var method = Major(version) >= FirstVersionWithBackup ? BackupManifest.NativeBackup : BackupManifest.Freeze;
        if (method == BackupManifest.NativeBackup)
            await clickHouse.ExecuteAsync(Sql.Query($"BACKUP DATABASE {new SqlIdentifier(clickHouse.Database)} TO File({serverDirectory})"), ct);
        else
            await FreezeAsync(Path.Combine(directory, "freeze"), ct);
        log.WriteLine($"Saved database {clickHouse.Database} ({clickHouse.Engine}, ClickHouse {version}) by {method}: {tables.Count} tables, {tables.Sum(t => t.Rows)} rows.");
        return new BackupManifest(1, DateTimeOffset.UtcNow, clickHouse.Engine, version, clickHouse.Database, method, tables);
    }

    /// <summary>
    /// Restores into this engine's database, which must hold no rows: empty tables (a service started once on a fresh
    /// install) are dropped and come back from the backup. Returns the rows of each table after the restore.
    /// </summary>
    public async Task<IReadOnlyList<BackupTable>> RestoreAsync(string directory, string serverDirectory, BackupManifest manifest, CancellationToken ct)
    {
        await DropEmptyTablesAsync(ct);
        if (manifest.Method == BackupManifest.NativeBackup)
        {
            var version = await VersionAsync(ct);
            if (Major(version) < FirstVersionWithBackup)
                throw new BackupException($"This backup was made with ClickHouse's BACKUP; ClickHouse {version} has no RESTORE. Restore it on {FirstVersionWithBackup}.x or later (or on the embedded engine).");
            var source = new SqlIdentifier(manifest.Database);
            var target = new SqlIdentifier(clickHouse.Database);
            var from = serverDirectory;
            await clickHouse.ExecuteAsync(manifest.Database == clickHouse.Database
                ? Sql.Query($"RESTORE DATABASE {target} FROM File({from})")
                : Sql.Query($"RESTORE DATABASE {source} AS {target} FROM File({from})"), ct);
        }
        else if (manifest.Method == BackupManifest.Freeze)
        {
            await AttachFrozenAsync(Path.Combine(directory, "freeze"), manifest, ct);
            await CreateViewsAsync(ct);
        }
        else
            throw new BackupException($"Unknown backup method '{manifest.Method}' in {BackupManifest.FileName}.");

        var restored = new List<BackupTable>();
        foreach (var table in manifest.Tables)
        {
            var rows = await CountAsync(table.Name, ct);
            restored.Add(new BackupTable(table.Name, rows));
            log.WriteLine($"  {table.Name}: {rows} rows{(rows == table.Rows ? "" : $" ({table.Rows} when saved)")}");
        }
        return restored;
    }

    async Task FreezeAsync(string directory, CancellationToken ct)
    {
        PrivateFiles.CreateDirectory(directory);
        foreach (var table in await FrozenTablesAsync(ct))
        {
            await File.WriteAllTextAsync(Path.Combine(directory, table.Name + ".sql"), table.CreateTableQuery, ct);
            var dataPath = table.DataPath.TrimEnd('/');
            // <path>/data/<db>/<table>: the server's path is three levels up, and its shadow/N mirrors the layout below it.
            var serverPath = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(dataPath)))!;
            await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(table.Name)} FREEZE"), ct);
            var increment = (await File.ReadAllTextAsync(Path.Combine(serverPath, "shadow", "increment.txt"), ct)).Trim();
            var shadow = Path.Combine(serverPath, "shadow", increment);
            var frozen = Path.Combine(shadow, Path.GetRelativePath(serverPath, dataPath));
            var target = Path.Combine(directory, table.Name);
            PrivateFiles.CreateDirectory(target);
            if (Directory.Exists(frozen)) // a table without parts freezes nothing
                foreach (var part in Directory.GetDirectories(frozen))
                    DataDirectoryCopy.CopyTree(part, Path.Combine(target, Path.GetFileName(part)));
            try
            {
                Directory.Delete(shadow, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.WriteLine($"  (could not remove {shadow}: {e.Message}; remove it by hand, it holds hard links to old parts)");
            }
        }
    }

    async Task AttachFrozenAsync(string directory, BackupManifest manifest, CancellationToken ct)
    {
        foreach (var table in manifest.Tables)
        {
            var create = await File.ReadAllTextAsync(Path.Combine(directory, table.Name + ".sql"), ct);
            // The saved CREATE names the old database; the statement names the table alone, the engine sets the database.
            var statement = CreateTableName().Replace(create, $"CREATE TABLE {new SqlIdentifier(table.Name)}", 1);
            await clickHouse.ExecuteAsync(Sql.Trusted(statement), ct);
            var frozen = Path.Combine(directory, table.Name);
            if (!Directory.Exists(frozen)) continue;
            var dataPath = (await FrozenTablesAsync(ct)).Single(t => t.Name == table.Name).DataPath;
            var detached = Path.Combine(dataPath, "detached");
            Directory.CreateDirectory(detached);
            foreach (var part in Directory.GetDirectories(frozen).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(part);
                DataDirectoryCopy.CopyTree(part, Path.Combine(detached, name));
                await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(table.Name)} ATTACH PART {name}"), ct);
            }
        }
    }

    /// <summary>
    /// The materialized views (events → events_by_visitor) hold no rows and are not frozen: they are made again from the
    /// migrations that made them, those the restored schema_migrations records, once their tables are back.
    /// </summary>
    async Task CreateViewsAsync(CancellationToken ct)
    {
        var applied = (await clickHouse.QueryListAsync(Sql.Query($"SELECT version FROM schema_migrations"), StorageJson.Default.AppliedMigration, ct))
            .Select(m => m.Version).ToHashSet();
        foreach (var migration in SchemaMigrations.All.Where(m => applied.Contains(m.Version)))
            foreach (var statement in migration.Statements.Where(SchemaMigrations.CreatesView))
                await clickHouse.ExecuteAsync(Sql.Trusted(statement), ct);
    }

    async Task DropEmptyTablesAsync(CancellationToken ct)
    {
        // Views first: they name the tables below them (and count their target's rows, already counted as the table's).
        foreach (var view in await ViewNamesAsync(ct))
            await clickHouse.ExecuteAsync(Sql.Query($"DROP TABLE {new SqlIdentifier(view)}"), ct);
        var names = await TableNamesAsync(ct);
        var withRows = new List<string>();
        foreach (var name in names)
            if (await CountAsync(name, ct) > 0) withRows.Add(name);
        if (withRows.Count > 0)
            throw new BackupException($"Database {clickHouse.Database} holds rows ({string.Join(", ", withRows)}): restore into an empty database " +
                                      "(a new ANALYTICS_DATA_DIR for the embedded engine, Storage__Database=another name or a dropped database on a server).");
        foreach (var name in names)
            await clickHouse.ExecuteAsync(Sql.Query($"DROP TABLE {new SqlIdentifier(name)}"), ct);
    }

    async Task<string> VersionAsync(CancellationToken ct) =>
        (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT version() AS version"), BackupJson.Default.VersionRow, ct))!.Version;

    /// <summary>The tables that hold rows: not the views (a materialized view's rows are its target table's).</summary>
    async Task<List<string>> TableNamesAsync(CancellationToken ct) =>
        (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT name FROM system.tables WHERE database = {clickHouse.Database} AND engine NOT LIKE '%View' ORDER BY name
            """), BackupJson.Default.TableRow, ct)).Select(t => t.Name).ToList();

    async Task<List<string>> ViewNamesAsync(CancellationToken ct) =>
        (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT name FROM system.tables WHERE database = {clickHouse.Database} AND engine LIKE '%View' ORDER BY name
            """), BackupJson.Default.TableRow, ct)).Select(t => t.Name).ToList();

    Task<List<FrozenTableRow>> FrozenTablesAsync(CancellationToken ct) =>
        clickHouse.QueryListAsync(Sql.Query($"""
            SELECT name, data_path, create_table_query FROM system.tables
            WHERE database = {clickHouse.Database} AND engine LIKE '%MergeTree' ORDER BY name
            """), BackupJson.Default.FrozenTableRow, ct);

    async Task<long> CountAsync(string table, CancellationToken ct) =>
        (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM {new SqlIdentifier(table)}"), StorageJson.Default.CountRow, ct))!.N;

    static int Major(string version) => int.TryParse(version.Split('.')[0], out var major) ? major : 0;

    [GeneratedRegex(@"\ACREATE TABLE\s+(?:`[^`]+`|[A-Za-z0-9_]+)\.(?:`[^`]+`|[A-Za-z0-9_]+)")]
    private static partial Regex CreateTableName();
}
