using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Crm;

/// <summary>Posting CRM imports and reading back what they stored, for the CRM tests.</summary>
internal static class CrmClient
{
    public static async Task<(string Key, string Id)> NewSiteAsync(ApiFactory api)
    {
        var key = await Import.ImportClient.CreateSiteAsync(api, "crm.example");
        return (key, await api.SiteIdAsync(key));
    }

    public static Task<JsonElement> ImportAsync(ApiFactory api, string kind, string key, string body, string contentType, bool gzip = false) =>
        Import.ImportClient.PostAsync(api, $"/api/crm/{kind}?site={key}", Import.ImportClient.Text(body, contentType, gzip));

    public static string Json(params object[] rows) => JsonSerializer.Serialize(rows);

    public static long Long(JsonElement e, string name) => long.Parse(e.GetProperty(name).ToString());
    public static double Double(JsonElement e, string name) => double.Parse(e.GetProperty(name).ToString(), System.Globalization.CultureInfo.InvariantCulture);
    public static string Str(JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static Task<List<JsonElement>> QueryAsync(ApiFactory api, Sql sql) => api.ClickHouse.QueryListAsync(sql, StorageJson.Default.JsonElement);

    /// <summary>Rejected rows of an answer by row number.</summary>
    public static Dictionary<long, List<(string Field, string Message)>> Rejected(JsonElement report) =>
        report.GetProperty("rejected").EnumerateArray().ToDictionary(
            r => r.GetProperty("row").GetInt64(),
            r => r.GetProperty("errors").EnumerateArray().Select(e => (Str(e, "field"), Str(e, "message"))).ToList());

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string kind, string key, string body, string contentType) =>
        await client.PostAsync($"/api/crm/{kind}?site={key}", Import.ImportClient.Text(body, contentType));

    public static async Task<string> TokenForAsync(ApiFactory api, string role) => (await UserAsync(api, role)).Token;

    /// <summary>A new user of the role: its id (for site membership) and its token.</summary>
    public static async Task<(string Id, string Token)> UserAsync(ApiFactory api, string role)
    {
        var response = await api.Admin().PostAsJsonAsync("/api/users", new { name = $"{role}-{Guid.NewGuid():N}", role });
        response.EnsureSuccessStatusCode();
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (user.GetProperty("id").GetString()!, user.GetProperty("token").GetString()!);
    }
}
