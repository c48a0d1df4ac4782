using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Analytics.Privacy.Registry;
using Analytics.Sessions;
using Analytics.Storage;

namespace Analytics.Privacy.Requests;

/// <summary>
/// The subject's data, every row of every personal table of <see cref="PersonalDataRegistry"/> whose subject columns hold
/// one of its ids, as JSON (one key per table) or as a zip of one CSV per table. Sessions are those the product shows
/// (stored or computed at query time, <see cref="ISessionSource"/>), with the person they are attributed to.
/// </summary>
public sealed class SubjectExport(IClickHouse clickHouse, ISessionSource sessions)
{
    public const string CookielessNotice =
        "Visits recorded without a cookie (cookieless mode) carry only a visitor hash of a daily secret salt, the IP address and the " +
        "user agent; the salt is deleted after two days, so they cannot be linked to this subject's ids. They are not included in this " +
        "export, and an erasure cannot find or remove them.";

    /// <summary>The rows of each personal table, in the registry's order (a copy of another's rows, events_by_visitor, once: as the events).</summary>
    public async Task<List<(string Table, List<JsonElement> Rows)>> RowsAsync(Subject subject, CancellationToken ct)
    {
        var tables = new List<(string, List<JsonElement>)>();
        foreach (var table in PersonalDataRegistry.PersonalTables.Where(t => !PersonalDataRegistry.IsCopy(t.Table)))
            tables.Add((table.Table, await clickHouse.QueryListAsync(await SelectAsync(table, subject, ct), StorageJson.Default.JsonElement, ct)));
        return tables;
    }

    async Task<Sql> SelectAsync(PersonalTable table, Subject subject, CancellationToken ct)
    {
        if (table.Table == VisitorHours.Table)
            // Derived rows: those of each day's current refresh only (superseded generations wait for their cleanup).
            return Sql.Query($"""
                SELECT site_id, visitor_id, hour, events, pageviews FROM visitor_hours
                WHERE {subject.RowsOf(table)}
                    AND (day, generation) IN (SELECT day, argMax(generation, version) FROM session_days WHERE site_id = {subject.SiteId} GROUP BY day)
                ORDER BY hour
                """);
        if (table.Table != "sessions" || subject.VisitorIds.Count == 0)
            return Sql.Query($"SELECT * FROM {new SqlIdentifier(table.Table)} WHERE {subject.RowsOf(table)}");
        var source = await sessions.SessionsAsync(new SessionQuery(subject.SiteId, Visitors: subject.VisitorIds), ct);
        return Sql.Query($"SELECT * FROM ({source}) AS subject_sessions ORDER BY start_ms");
    }

    public static async Task WriteJsonAsync(Stream body, RequestView request, List<(string Table, List<JsonElement> Rows)> tables, CancellationToken ct)
    {
        var buffer = new MemoryStream(); // one subject's rows; the serializer flushes synchronously, the response body takes only asynchronous writes
        await using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            Write(json, request, tables);
        buffer.Position = 0;
        await buffer.CopyToAsync(body, ct);
    }

    static void Write(Utf8JsonWriter json, RequestView request, List<(string Table, List<JsonElement> Rows)> tables)
    {
        json.WriteStartObject();
        json.WritePropertyName("request");
        JsonSerializer.Serialize(json, request, PrivacyRequestsJson.Default.RequestView);
        json.WriteString("notice", CookielessNotice);
        json.WriteStartObject("tables");
        foreach (var (table, rows) in tables)
        {
            json.WriteStartArray(table);
            foreach (var row in rows) row.WriteTo(json);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>A zip of <c>{table}.csv</c> per table (a header row from the table's columns) and <c>README.txt</c> with the notice.</summary>
    public static async Task WriteCsvZipAsync(Stream body, List<(string Table, List<JsonElement> Rows)> tables, CancellationToken ct)
    {
        var buffer = new MemoryStream(); // ZipArchive writes synchronously; the response body only takes asynchronous writes
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (table, rows) in tables)
            {
                await using var writer = new StreamWriter(zip.CreateEntry(table + ".csv").Open(), new UTF8Encoding(false));
                var columns = rows.SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Distinct().ToList();
                await writer.WriteLineAsync(string.Join(',', columns.Select(Csv)));
                foreach (var row in rows)
                    await writer.WriteLineAsync(string.Join(',', columns.Select(c => Csv(row.TryGetProperty(c, out var v) ? Text(v) : ""))));
            }
            await using (var readme = new StreamWriter(zip.CreateEntry("README.txt").Open(), new UTF8Encoding(false)))
                await readme.WriteLineAsync(CookielessNotice);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(body, ct);
    }

    static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => value.GetRawText(), // numbers as written; arrays as JSON
    };

    static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
