using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sites;

/// <summary>Users, tokens and memberships made through the API, as an admin would.</summary>
internal static class Users
{
    public sealed record Created(string Id, string Token);

    public static async Task<Created> CreateAsync(ApiFactory api, string role, string? name = null)
    {
        var response = await api.Admin().PostAsJsonAsync("/api/users", new { name = name ?? $"{role}-{Guid.NewGuid():N}", role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Created(body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!);
    }

    public static HttpClient As(this ApiFactory api, string token)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task AddMemberAsync(ApiFactory api, string siteKey, string userId)
    {
        var response = await api.Admin().PostAsJsonAsync($"/api/sites/{siteKey}/members", new { user_id = userId });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NoContent, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A problem+json answer reduced to what a caller can compare: status, title, detail with the key blanked, errors.</summary>
    public static async Task<string> ProblemShapeAsync(HttpResponseMessage response, string key)
    {
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        string Text(string name) => problem.TryGetProperty(name, out var v) ? v.ToString() : "";
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {Text("status")} {Text("title")} {Text("detail")} {Text("errors")}"
            .Replace(key, "KEY", StringComparison.Ordinal);
    }
}
