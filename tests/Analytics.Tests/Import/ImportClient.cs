using Analytics.Storage;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Import;

/// <summary>Posting bodies to the importers and reading what was stored, for the import tests.</summary>
internal static class ImportClient
{
    public static HttpContent Text(string body, string contentType, bool gzip = false)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        if (gzip)
        {
            using var packed = new MemoryStream();
            using (var zip = new GZipStream(packed, CompressionLevel.Fastest)) zip.Write(bytes);
            bytes = packed.ToArray();
        }
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        if (gzip) content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    public static async Task<JsonElement> PostAsync(ApiFactory api, string path, HttpContent content)
    {
        var response = await api.Admin().PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public static long Skipped(JsonElement report, string reason) =>
        report.GetProperty("skipped").TryGetProperty(reason, out var n) ? n.GetInt64() : 0;

    /// <summary>imported + every skipped count = lines_read, the promise of the answer.</summary>
    public static void AssertCountsAddUp(JsonElement report)
    {
        var skipped = report.GetProperty("skipped").EnumerateObject().Sum(p => p.Value.GetInt64());
        Assert.Equal(report.GetProperty("lines_read").GetInt64(), report.GetProperty("imported").GetInt64() + skipped);
    }

    public static Task<List<JsonElement>> RowsAsync(ApiFactory api, Sql columns, string siteId, Sql? orderBy = null) =>
        QueryAsync(api, Sql.Query($"SELECT {columns} FROM events WHERE site_id = {siteId} ORDER BY {orderBy ?? Sql.Query($"ts_ms, path")}"));

    public static Task<List<JsonElement>> QueryAsync(ApiFactory api, Sql sql) => api.ClickHouse.QueryListAsync(sql, StorageJson.Default.JsonElement);

    public static async Task<string> CreateSiteAsync(ApiFactory api, string domain, int? retentionDays = null)
    {
        var response = await api.Admin().PostAsJsonAsync("/api/sites", new { name = "Import shop", domains = new[] { domain }, retention_days = retentionDays });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}
