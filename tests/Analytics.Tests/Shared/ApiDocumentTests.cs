using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sites;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Shared;

/// <summary>
/// The OpenAPI document at /openapi/v1.json describes every endpoint the service maps (walked from the endpoint data
/// source, so one added later is caught), the reports' parameters, and the bearer scheme. No storage involved: one engine.
/// </summary>
public sealed class ApiDocumentTests(EmbeddedApi api) : IClassFixture<EmbeddedApi>
{
    /// <summary>The document itself is the one endpoint left out of it (the generator excludes its own route).</summary>
    static readonly HashSet<string> NotDescribed = ["GET /openapi/{documentName}.json"];

    async Task<JsonElement> DocumentAsync()
    {
        var response = await api.Admin().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>A route as OpenAPI writes it: no constraints (<c>{id:guid}</c>), no catch-all stars, no trailing slash.</summary>
    static string AsOpenApiPath(string pattern)
    {
        var path = Regex.Replace(pattern, @"\{\*{0,2}([^}:=?]+)[^}]*\}", "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [Fact]
    public async Task Every_mapped_endpoint_is_in_the_document_with_its_method()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        var mapped = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Path: AsOpenApiPath(e.RoutePattern.RawText!))))
            .Distinct().ToList();
        Assert.Contains(mapped, e => e.Path == "/api/reports/overview");
        var missing = mapped
            .Where(e => !NotDescribed.Contains($"{e.Method} {e.Path}"))
            .Where(e => !(paths.TryGetProperty(e.Path, out var item) && item.TryGetProperty(e.Method.ToLowerInvariant(), out _)))
            .Select(e => $"{e.Method} {e.Path}").ToList();
        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Reports_describe_their_query_parameters_and_answers()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        var overview = paths.GetProperty("/api/reports/overview").GetProperty("get");
        var parameters = overview.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        foreach (var name in new[] { "site", "from", "to", "filter", "format", "interval" })
        {
            Assert.True(parameters.TryGetValue(name, out var parameter), $"overview has no parameter {name}");
            Assert.Equal("query", parameter.GetProperty("in").GetString());
            Assert.False(string.IsNullOrWhiteSpace(parameter.GetProperty("description").GetString()), $"{name} has no description");
        }
        Assert.True(parameters["site"].GetProperty("required").GetBoolean());
        Assert.Equal("array", parameters["filter"].GetProperty("schema").GetProperty("type").GetString());
        var breakdown = paths.GetProperty("/api/reports/breakdown").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("dimension", breakdown);
        Assert.Contains("limit", breakdown);
        var answers = overview.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(answers.TryGetProperty("application/json", out _));
        Assert.True(answers.TryGetProperty("text/csv", out _));
        Assert.True(overview.GetProperty("responses").TryGetProperty("400", out _));
    }

    [Fact]
    public async Task The_bearer_scheme_guards_every_endpoint_but_the_anonymous_ones()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/reports/overview").GetProperty("get").TryGetProperty("security", out _));
        Assert.False(paths.GetProperty("/api/collect").GetProperty("post").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task The_document_is_for_people_with_a_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
        var marketer = await Users.CreateAsync(api, "marketer");
        Assert.Equal(HttpStatusCode.OK, (await api.As(marketer.Token).GetAsync("/openapi/v1.json")).StatusCode);
        var scraper = await Users.CreateAsync(api, "metrics");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As(scraper.Token).GetAsync("/openapi/v1.json")).StatusCode);
    }
}
