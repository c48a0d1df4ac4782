namespace Analytics.Storage;

/// <summary>Settings every read runs with, on both engines (chDB: SET per connection; a server: per request).</summary>
internal static class ReadSettings
{
    /// <summary>
    /// UInt64/Int64 (counts, ts_ms) as JSON numbers, not quoted strings: typed rows read them as long/ulong without a
    /// converter. ClickHouse 18.16 knows the setting but ignores it in a query's SETTINGS clause, hence these two paths.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Value)> All = [("output_format_json_quote_64bit_integers", "0")];
}
