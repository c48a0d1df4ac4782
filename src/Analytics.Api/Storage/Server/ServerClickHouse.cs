using System.Data.Common;
using System.Net;
using ClickHouse.Driver;

namespace Analytics.Storage.Server;

/// <summary>
/// A ClickHouse server (or cluster) over HTTP through ClickHouse.Driver, set by <c>ANALYTICS_CLICKHOUSE</c>.
/// Only calls that ClickHouse 18.16 understands: plain statements, raw JSONEachRow reads, raw RowBinary inserts
/// encoded by <see cref="RowBinaryWriter"/> (the same bytes the embedded engine gets).
/// </summary>
public sealed class ServerClickHouse : IClickHouse
{
    readonly ClickHouseClient client;
    readonly QueryOptions inDatabase;
    readonly QueryOptions statements;
    readonly QueryOptions reads;

    public string Engine => "server";
    public string Database { get; }
    public ClusterLayout? Cluster { get; }

    /// <param name="cluster">A cluster of the server's remote_servers (Storage__Cluster): the tables are spread over it (docs/cluster.md).</param>
    public ServerClickHouse(string connectionString, string database, string? cluster = null)
    {
        Database = new SqlIdentifier(database).Name;
        var compatible = WithCompatibilityDefaults(connectionString);
        if (!string.IsNullOrEmpty(cluster))
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = compatible };
            Cluster = new ClusterLayout(cluster, Database, ClusterLayout.SchemaTables(SchemaMigrations.All.SelectMany(m => m.Statements)))
            {
                User = builder.TryGetValue("Username", out var user) && user is string u && u.Length > 0 ? u : "default",
                Password = builder.TryGetValue("Password", out var password) && password is string p ? p : "",
            };
            compatible = WithClusterSettings(compatible);
        }
        client = new ClickHouseClient(compatible);
        inDatabase = new QueryOptions { Database = Database };
        statements = new QueryOptions { Database = Database, CustomSettings = new Dictionary<string, object> { ["default_format"] = "TabSeparated" } };
        reads = new QueryOptions { Database = Database, CustomSettings = ReadSettings.All.ToDictionary(s => s.Name, s => (object)s.Value) };
    }

    /// <summary>
    /// Cluster mode's settings as the connection's own (<c>set_NAME=value</c>), so that every request has them: the raw
    /// inserts too, which do not take a query's custom settings. A setting the user gave wins.
    /// </summary>
    internal static string WithClusterSettings(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var (name, value) in ClusterSettings.All)
            if (!builder.ContainsKey("set_" + name)) builder["set_" + name] = value;
        return builder.ConnectionString;
    }

    /// <summary>The driver's JSON type probes need a newer server than 18.16; switch them off unless the user chose.</summary>
    internal static string WithCompatibilityDefaults(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!builder.ContainsKey("JsonReadMode")) builder["JsonReadMode"] = "None";
        if (!builder.ContainsKey("JsonWriteMode")) builder["JsonWriteMode"] = "None";
        return builder.ConnectionString;
    }

    public async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        if (Cluster is null)
        {
            await Guard(() => client.ExecuteNonQueryAsync($"CREATE DATABASE IF NOT EXISTS `{Database}`", null, null, ct), "CREATE DATABASE");
            return;
        }
        // ON CLUSTER answers a table of the nodes' results: TabSeparated, which 18.16 knows (see ExecuteAsync).
        var outsideDatabase = new QueryOptions { CustomSettings = new Dictionary<string, object> { ["default_format"] = "TabSeparated" } };
        await Guard(() => client.ExecuteNonQueryAsync($"CREATE DATABASE IF NOT EXISTS `{Database}` ON CLUSTER `{Cluster.Name}`", null, outsideDatabase, ct), "CREATE DATABASE");
        var nodes = await this.QueryListAsync(Sql.Query($"""
            SELECT shard_num AS shard, host_address AS host, port FROM system.clusters WHERE cluster = {Cluster.Name} ORDER BY shard_num, replica_num
            """), StorageJson.Default.ClusterNode, ct);
        if (nodes.Count == 0) throw new ClickHouseException($"The ClickHouse server has no cluster '{Cluster.Name}' in its remote_servers (Storage__Cluster).");
        Cluster.Shards = nodes.GroupBy(n => n.Shard).Select(s => (IReadOnlyList<string>)s.Select(n => $"{n.Host}:{n.Port}").ToList()).ToList();
    }

    /// <summary>
    /// The driver asks for a RowBinaryWithNamesAndTypes output, which 18.16 does not know and applies to
    /// <c>INSERT … SELECT</c> (the stored sessions' refresh): statements ask for TabSeparated, which it ignores.
    /// </summary>
    public async Task ExecuteAsync(Sql sql, CancellationToken ct = default)
    {
        if (Cluster is null)
        {
            await Guard(() => client.ExecuteNonQueryAsync(sql.Text, null, statements, ct), sql.Text);
            return;
        }
        // A column added before a crash kept it from being recorded fails with "already exists" (SchemaMigrations takes
        // that as applied): the statements after it (the Distributed table made again) still run, then it is thrown.
        ClickHouseException? alreadyExists = null;
        foreach (var statement in Cluster.Rewrite(sql.Text))
        {
            try
            {
                await Guard(() => client.ExecuteNonQueryAsync(statement, null, statements, ct), statement);
            }
            catch (ClickHouseException e) when (alreadyExists is null && statement.Contains("ADD COLUMN", StringComparison.OrdinalIgnoreCase)
                                                && e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
            {
                alreadyExists = e;
            }
        }
        if (alreadyExists is not null) throw alreadyExists;
    }

    public Task<Stream> OpenJsonEachRowAsync(Sql sql, CancellationToken ct = default) =>
        Guard(async () =>
        {
            var text = Cluster is null ? sql.Text : Cluster.ForReading(sql.Text);
            var result = await client.ExecuteRawResultAsync(text + "\nFORMAT JSONEachRow", reads, ct);
            try
            {
                return (Stream)new ServerResultStream(result, await result.ReadAsStreamAsync(), sql.Text);
            }
            catch
            {
                result.Dispose();
                throw;
            }
        }, sql.Text);

    public Task InsertRowBinaryAsync(string table, IReadOnlyList<string> columns, ReadOnlyMemory<byte> rows, CancellationToken ct = default) =>
        Guard(async () =>
        {
            using var body = new ReadOnlyMemoryStream(rows);
            using var response = await client.InsertRawStreamAsync(new SqlIdentifier(table).Name, body, "RowBinary", columns, false, inDatabase, ct);
            if (!response.IsSuccessStatusCode)
                throw new ClickHouseException($"ClickHouse answered {(int)response.StatusCode} to an insert into {table}: {await response.Content.ReadAsStringAsync(ct)}");
            return 0;
        }, $"INSERT INTO {table}");

    static async Task<T> Guard<T>(Func<Task<T>> call, string statement)
    {
        try
        {
            return await call();
        }
        catch (ClickHouseException)
        {
            throw;
        }
        catch (Exception e) when (IsEngineFailure(e))
        {
            throw Failure(e, statement);
        }
    }

    /// <summary>The server was unreachable, timed out, or refused the statement: not a bug of the caller.</summary>
    internal static bool IsEngineFailure(Exception e) =>
        e is HttpRequestException or IOException or TaskCanceledException { CancellationToken.IsCancellationRequested: false } or WebException or DbException or InvalidOperationException;

    internal static ClickHouseException Failure(Exception e, string statement) =>
        new($"{e.Message} (statement: {ClickHouseException.Describe(statement)})", e);

    static async Task Guard(Func<Task<int>> call, string statement) => await Guard<int>(call, statement);

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
