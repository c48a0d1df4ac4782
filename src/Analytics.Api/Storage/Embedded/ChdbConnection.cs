using System.Runtime.InteropServices;
using System.Text;

namespace Analytics.Storage.Embedded;

/// <summary>One native chDB connection. It runs one statement at a time; <see cref="EmbeddedClickHouse"/> pools them.</summary>
internal sealed unsafe class ChdbConnection : IDisposable
{
    static readonly byte[] JsonEachRow = "JSONEachRow"u8.ToArray();
    static readonly byte[] RowBinary = "RowBinary"u8.ToArray();
    static readonly byte[] TabSeparated = "TabSeparated"u8.ToArray();
    readonly nint handle; // chdb_connection*
    readonly nint connection; // *handle
    bool disposed;

    ChdbConnection(nint handle)
    {
        this.handle = handle;
        connection = Marshal.ReadIntPtr(handle);
    }

    public static ChdbConnection Open(IReadOnlyList<string> arguments)
    {
        var native = new nint[arguments.Count];
        try
        {
            for (var i = 0; i < arguments.Count; i++) native[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
            fixed (nint* argv = native)
            {
                var handle = ChdbNative.Connect(arguments.Count, argv);
                if (handle == 0 || Marshal.ReadIntPtr(handle) == 0)
                    throw new EmbeddedEngineException(
                        $"The embedded ClickHouse could not open its data ({string.Join(' ', arguments.Skip(1))}). " +
                        "Most often another process (a running service, or a chDB session) holds the lock on that path " +
                        "(ClickHouse: \"Cannot lock file …/status\"). Stop it, or point ANALYTICS_DATA_DIR elsewhere.");
                return new ChdbConnection(handle);
            }
        }
        finally
        {
            foreach (var p in native) if (p != 0) Marshal.FreeCoTaskMem(p);
        }
    }

    public void Execute(string sql) => Run(sql, TabSeparated, static (_, _) => 0);

    public string QueryJsonEachRow(string sql) =>
        Run(sql, JsonEachRow, static (buffer, length) => length == 0 ? "" : Encoding.UTF8.GetString((byte*)buffer, checked((int)length)));

    T Run<T>(string sql, byte[] format, Func<nint, nuint, T> read)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var query = Encoding.UTF8.GetBytes(sql);
        nint result;
        fixed (byte* q = query)
        fixed (byte* f = format)
            result = ChdbNative.QueryN(connection, q, (nuint)query.Length, f, (nuint)format.Length);
        if (result == 0) throw new ClickHouseException("chDB returned no result for a query.");
        try
        {
            ThrowOnError(ChdbNative.ResultError(result), sql);
            var length = ChdbNative.ResultLength(result);
            var buffer = (nint)ChdbNative.ResultBuffer(result); // null when the length is 0
            return read(buffer, buffer == 0 ? 0 : length);
        }
        finally
        {
            ChdbNative.DestroyResult(result);
        }
    }

    /// <summary>Streams RowBinary rows into an INSERT; throws with ClickHouse's message when any part fails.</summary>
    public void InsertRowBinary(string insertQuery, ReadOnlySpan<byte> rows)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var query = Encoding.UTF8.GetBytes(insertQuery);
        nint stream;
        fixed (byte* q = query)
        fixed (byte* f = RowBinary)
            stream = ChdbNative.StreamInsertN(connection, q, (nuint)query.Length, f, (nuint)RowBinary.Length);
        if (stream == 0) throw new ClickHouseException("chDB could not start an insert.");
        try
        {
            ThrowOnError(ChdbNative.StreamInsertError(stream), insertQuery);
            int appended;
            fixed (byte* data = rows) appended = ChdbNative.StreamAppend(stream, data, (nuint)rows.Length);
            if (appended != 0)
            {
                var error = ChdbNative.StreamInsertError(stream);
                ChdbNative.StreamCancel(stream);
                ThrowOnError(error, insertQuery);
                throw new ClickHouseException("chDB refused the inserted rows.");
            }
            var result = ChdbNative.StreamDone(stream);
            if (result != 0)
            {
                try { ThrowOnError(ChdbNative.ResultError(result), insertQuery); }
                finally { ChdbNative.DestroyResult(result); }
            }
        }
        finally
        {
            ChdbNative.DestroyInsertStream(stream);
        }
    }

    static void ThrowOnError(nint error, string sql)
    {
        if (error == 0) return;
        var message = Marshal.PtrToStringUTF8(error);
        if (string.IsNullOrEmpty(message)) return;
        throw new ClickHouseException($"{message.Trim()} (statement: {ClickHouseException.Abbreviate(sql)})");
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        ChdbNative.CloseConnection(handle);
    }
}
