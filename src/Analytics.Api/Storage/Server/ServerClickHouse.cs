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

    public string Engine => "server";
    public string Database { get; }

    public ServerClickHouse(string connectionString, string database)
    {
        Database = new SqlIdentifier(database).Name;
        client = new ClickHouseClient(WithCompatibilityDefaults(connectionString));
        inDatabase = new QueryOptions { Database = Database };
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
        await Guard(() => client.ExecuteNonQueryAsync($"CREATE DATABASE IF NOT EXISTS `{Database}`", null, null, ct), "CREATE DATABASE");
    }

    public Task ExecuteAsync(Sql sql, CancellationToken ct = default) =>
        Guard(() => client.ExecuteNonQueryAsync(sql.Text, null, inDatabase, ct), sql.Text);

    public Task<string> QueryJsonEachRowAsync(Sql sql, CancellationToken ct = default) =>
        Guard(async () =>
        {
            using var result = await client.ExecuteRawResultAsync(sql.Text + "\nFORMAT JSONEachRow", inDatabase, ct);
            return await result.ReadAsStringAsync();
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
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException { CancellationToken.IsCancellationRequested: false } or WebException or DbException or InvalidOperationException)
        {
            throw new ClickHouseException($"{e.Message} (statement: {ClickHouseException.Describe(statement)})", e);
        }
    }

    static async Task Guard(Func<Task<int>> call, string statement) => await Guard<int>(call, statement);

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
