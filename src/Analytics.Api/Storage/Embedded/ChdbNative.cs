using System.Runtime.InteropServices;

namespace Analytics.Storage.Embedded;

/// <summary>
/// The part of chDB's C API (programs/local/chdb.h, chDB 26.7) that the embedded engine uses.
/// The library is resolved at run time from <see cref="ChdbLibrary"/>, never from the repository.
/// </summary>
internal static unsafe partial class ChdbNative
{
    public const string Library = "chdb";

    // chdb_connection* chdb_connect(int argc, char** argv): null when the path is locked by another process.
    [LibraryImport(Library, EntryPoint = "chdb_connect")]
    public static partial nint Connect(int argc, nint* argv);

    [LibraryImport(Library, EntryPoint = "chdb_close_conn")]
    public static partial void CloseConnection(nint connectionHandle);

    [LibraryImport(Library, EntryPoint = "chdb_query_n")]
    public static partial nint QueryN(nint connection, byte* query, nuint queryLength, byte* format, nuint formatLength);

    [LibraryImport(Library, EntryPoint = "chdb_result_buffer")]
    public static partial byte* ResultBuffer(nint result);

    [LibraryImport(Library, EntryPoint = "chdb_result_length")]
    public static partial nuint ResultLength(nint result);

    [LibraryImport(Library, EntryPoint = "chdb_result_error")]
    public static partial nint ResultError(nint result);

    [LibraryImport(Library, EntryPoint = "chdb_destroy_query_result")]
    public static partial void DestroyResult(nint result);

    [LibraryImport(Library, EntryPoint = "chdb_stream_insert_n")]
    public static partial nint StreamInsertN(nint connection, byte* query, nuint queryLength, byte* format, nuint formatLength);

    [LibraryImport(Library, EntryPoint = "chdb_stream_append")]
    public static partial int StreamAppend(nint stream, byte* data, nuint length);

    [LibraryImport(Library, EntryPoint = "chdb_stream_done")]
    public static partial nint StreamDone(nint stream);

    [LibraryImport(Library, EntryPoint = "chdb_stream_cancel_insert")]
    public static partial void StreamCancel(nint stream);

    [LibraryImport(Library, EntryPoint = "chdb_stream_insert_error")]
    public static partial nint StreamInsertError(nint stream);

    [LibraryImport(Library, EntryPoint = "chdb_destroy_insert_stream")]
    public static partial void DestroyInsertStream(nint stream);

    [LibraryImport(Library, EntryPoint = "chdb_set_signal_handlers_enabled")]
    public static partial void SetSignalHandlersEnabled(int enabled);
}
