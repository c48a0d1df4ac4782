using System.Collections.Concurrent;
using System.Text;

namespace Analytics.Storage.Embedded;

/// <summary>
/// ClickHouse inside the service process (chDB), with its data under <c>$ANALYTICS_DATA_DIR/clickhouse</c>.
/// Native calls block, so they run on the thread pool, at most <c>maxConnections</c> at a time, each on a
/// pooled connection whose current database is this instance's (chDB keeps <c>USE</c> per connection).
/// </summary>
public sealed class EmbeddedClickHouse : IClickHouse
{
    readonly ChdbEngine engine;
    readonly SemaphoreSlim slots;
    readonly ConcurrentBag<ChdbConnection> idle = new();
    readonly string use;

    public string Engine => "embedded";
    public string Database { get; }
    public string DataPath => engine.DataPath;

    public EmbeddedClickHouse(string dataPath, string database, int maxConnections, IReadOnlyList<string> settings)
    {
        Database = new SqlIdentifier(database).Name;
        use = $"USE `{Database}`";
        engine = ChdbEngine.Open(dataPath, settings);
        slots = new SemaphoreSlim(Math.Max(1, maxConnections));
        var first = engine.Connect();
        first.Execute($"CREATE DATABASE IF NOT EXISTS `{Database}`");
        Prepare(first);
        idle.Add(first);
    }

    public Task ExecuteAsync(Sql sql, CancellationToken ct = default) =>
        WithConnectionAsync(c => { c.Execute(sql.Text); return 0; }, ct);

    public Task<Stream> OpenJsonEachRowAsync(Sql sql, CancellationToken ct = default) =>
        WithConnectionAsync(c => c.QueryJsonEachRow(sql.Text), ct);

    public Task InsertRowBinaryAsync(string table, IReadOnlyList<string> columns, ReadOnlyMemory<byte> rows, CancellationToken ct = default)
    {
        var text = InsertStatement(table, columns);
        return WithConnectionAsync(c => { c.InsertRowBinary(text, rows.Span); return 0; }, ct);
    }

    internal static string InsertStatement(string table, IReadOnlyList<string> columns)
    {
        var query = new StringBuilder("INSERT INTO ").Append(new SqlIdentifier(table)).Append(" (");
        for (var i = 0; i < columns.Count; i++) query.Append(i == 0 ? "" : ", ").Append(new SqlIdentifier(columns[i]));
        return query.Append(')').ToString();
    }

    async Task<T> WithConnectionAsync<T>(Func<ChdbConnection, T> work, CancellationToken ct)
    {
        await slots.WaitAsync(ct);
        try
        {
            return await Task.Run(() =>
            {
                var connection = Rent();
                try { return work(connection); }
                finally { idle.Add(connection); }
            }, CancellationToken.None);
        }
        finally
        {
            slots.Release();
        }
    }

    ChdbConnection Rent()
    {
        if (idle.TryTake(out var connection)) return connection;
        connection = engine.Connect();
        Prepare(connection);
        return connection;
    }

    /// <summary>chDB keeps USE and SET per connection: the database, and the read settings both engines share.</summary>
    void Prepare(ChdbConnection connection)
    {
        connection.Execute(use);
        foreach (var (name, value) in ReadSettings.All) connection.Execute($"SET {name} = {value}");
    }

    public ValueTask DisposeAsync()
    {
        while (idle.TryTake(out var connection)) connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
