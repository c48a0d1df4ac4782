namespace Analytics.Storage;

/// <summary>
/// The one seam to storage. Two engines implement it: <see cref="Embedded.EmbeddedClickHouse"/> (chDB in process)
/// and <see cref="Server.ServerClickHouse"/> (a ClickHouse server over HTTP). SQL above it is one dialect that
/// ClickHouse 18.16 and 26.7 both run; statements name tables without a database, the engine sets it.
/// </summary>
public interface IClickHouse : IAsyncDisposable
{
    /// <summary>"embedded" or "server": for metrics, logs and /readyz.</summary>
    string Engine { get; }

    string Database { get; }

    Task ExecuteAsync(Sql sql, CancellationToken ct = default);

    /// <summary>
    /// Runs a SELECT and opens its rows as JSONEachRow (one JSON object a line, UTF-8), 64-bit integers as JSON
    /// numbers on both engines. The caller disposes the stream. Typed reads: <see cref="ClickHouseReads.QueryAsync"/>.
    /// </summary>
    Task<Stream> OpenJsonEachRowAsync(Sql sql, CancellationToken ct = default);

    /// <summary>Runs a SELECT and returns its rows as JSONEachRow text: for the CLI and ad-hoc reads; code reads typed rows.</summary>
    async Task<string> QueryJsonEachRowAsync(Sql sql, CancellationToken ct = default)
    {
        await using var rows = await OpenJsonEachRowAsync(sql, ct);
        using var reader = new StreamReader(rows);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>Inserts rows already encoded as RowBinary for the given columns; returns when they are stored.</summary>
    Task InsertRowBinaryAsync(string table, IReadOnlyList<string> columns, ReadOnlyMemory<byte> rows, CancellationToken ct = default);
}

/// <summary>A storage failure: the engine was unreachable or refused a statement.</summary>
public sealed class ClickHouseException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The start of a statement, for error messages: enough to recognise it, never a whole batch.</summary>
    public static string Abbreviate(string sql) => sql.Length <= 300 ? sql : sql[..300] + "…";
}
