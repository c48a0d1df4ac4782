using System.Text.RegularExpressions;

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

    /// <summary>The cluster the tables are spread over (Storage__Cluster, docs/cluster.md), or null on one server or embedded.</summary>
    ClusterLayout? Cluster => null;

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
/// <remarks>Messages reach the logs: they name a statement by <see cref="Describe"/>, never by its text.</remarks>
public sealed partial class ClickHouseException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>ClickHouse's error code ("Code: 47." on 26.x, "Code: 47, e.displayText()" on 18.16), or null when none was given.</summary>
    public int? Code => CodeText().Match(Message) is { Success: true } m && int.TryParse(m.Groups[1].ValueSpan, out var code) ? code : null;

    /// <summary>
    /// True when ClickHouse refused the statement itself (an unknown column or function, a syntax or type error): a
    /// bug of the service, answered 500, not an outage that a retry would mend (503).
    /// </summary>
    public bool IsRefusedStatement => Code is { } code && RefusedStatementCodes.Contains(code);

    // NO_SUCH_COLUMN_IN_TABLE 16, BAD_ARGUMENTS 36, ILLEGAL_TYPE_OF_ARGUMENT 43, ILLEGAL_COLUMN 44, UNKNOWN_FUNCTION 46,
    // UNKNOWN_IDENTIFIER 47, TYPE_MISMATCH 53, UNKNOWN_TABLE 60, SYNTAX_ERROR 62, NUMBER_OF_ARGUMENTS_DOESNT_MATCH 42,
    // ILLEGAL_AGGREGATION 184, NOT_AN_AGGREGATE 215, AMBIGUOUS_COLUMN_NAME 352, NO_COMMON_TYPE 386, UNKNOWN_DATABASE 81;
    // values the statement could not take: CANNOT_PARSE_TEXT 6, CANNOT_PARSE_DATE 38, CANNOT_PARSE_DATETIME 41,
    // ARGUMENT_OUT_OF_BOUND 69, CANNOT_CONVERT_TYPE 70.
    static readonly HashSet<int> RefusedStatementCodes = [6, 16, 36, 38, 41, 42, 43, 44, 46, 47, 53, 60, 62, 69, 70, 81, 184, 215, 352, 386];

    [GeneratedRegex(@"\bCode:\s*(\d+)")]
    private static partial Regex CodeText();

    /// <summary>
    /// A statement's kind and table ("INSERT INTO consents", "SELECT FROM events"), for error messages. Never its
    /// values: they hold visitor ids, user agents and URLs, and an outage would pour them into the logs.
    /// </summary>
    public static string Describe(string sql)
    {
        var code = StringLiteral().Replace(sql, "''"); // a literal could hold " from x": values never count as a table
        var kind = Kind().Match(code);
        if (!kind.Success) return "statement";
        var table = Table().Match(code);
        var verb = Whitespace().Replace(kind.Value, " ").ToUpperInvariant();
        if (!table.Success) return verb;
        return verb is "SELECT" or "DELETE" ? $"{verb} FROM {table.Groups[1].Value}" : $"{verb} {table.Groups[1].Value}";
    }

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'?", RegexOptions.Singleline)]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\A\s*(?:(?:INSERT\s+INTO|CREATE\s+(?:TABLE|DATABASE|VIEW)|ALTER\s+TABLE|DROP\s+(?:TABLE|DATABASE)|TRUNCATE\s+TABLE|OPTIMIZE\s+TABLE|RENAME\s+TABLE)|[A-Za-z]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Kind();

    [GeneratedRegex(@"\b(?:FROM|INTO|TABLE|DATABASE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?`?([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)", RegexOptions.IgnoreCase)]
    private static partial Regex Table();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
