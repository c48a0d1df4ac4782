using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Enrichment;
using Analytics.Ingestion;
using Analytics.Shared;
using Analytics.Sites;

namespace Analytics.Tools;

/// <summary>The body of POST /api/tools/enrich; every field may be left out, as a request may lack it.</summary>
public sealed record EnrichRequest(string? UserAgent, string? Ip, string? Url, string? Referrer, string? Site);

[JsonSerializable(typeof(EnrichRequest))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class ToolsJson : JsonSerializerContext;

/// <summary>
/// POST /api/tools/enrich (marketer; with "site", a member of it): what the pipeline would store for a user agent, address, page and referrer,
/// under the storage names: the very <see cref="Enricher.Enrich"/> call of the pipeline, with the inputs the
/// collect validator admits. With "site", that site's domains decide which referrers are internal; without it,
/// the page's own host does.
/// </summary>
public static class EnrichTool
{
    /// <summary>Far above any real request: a user agent is cut to 512 characters, URLs to 4096.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static async Task<IResult> HandleAsync(HttpRequest request, Enricher enricher, SiteAccess sites, CancellationToken ct)
    {
        var (outcome, buffer, length) = await CollectBody.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, ArrayPool<byte>.Shared, ct);
        if (outcome == CollectBody.Outcome.TooLarge)
            return Problems.Field(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body may be at most {MaxBodyBytes} bytes.", "body");
        EnrichRequest? input;
        try
        {
            input = JsonSerializer.Deserialize(buffer.AsSpan(0, length), ToolsJson.Default.EnrichRequest);
        }
        catch (JsonException e)
        {
            // A value of the wrong type names its field; broken JSON (the reader's own error) is the body's fault.
            var field = e.InnerException is not JsonException && e.Path is { Length: > 2 } path && path.StartsWith("$.") ? path[2..] : "body";
            return Problems.Field(StatusCodes.Status400BadRequest, "Malformed body", $"The body must be a JSON object of strings: {e.Message}", field);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (input is null)
            return Problems.Field(StatusCodes.Status400BadRequest, "Malformed body", "The body must be a JSON object such as {\"user_agent\": \"…\", \"ip\": \"…\"}.", "body");

        IPAddress? ip = null;
        if (!string.IsNullOrEmpty(input.Ip) && !IPAddress.TryParse(input.Ip, out ip))
            return Invalid("ip", "must be an IPv4 or IPv6 address");
        if (!string.IsNullOrEmpty(input.Url) && !IsHttpUrl(input.Url))
            return Invalid("url", "must be an absolute http(s) URL of at most 4096 characters");
        if (!string.IsNullOrEmpty(input.Referrer) && !IsHttpUrl(input.Referrer))
            return Invalid("referrer", "must be an absolute http(s) URL of at most 4096 characters, or empty");
        IReadOnlyList<string> domains;
        if (!string.IsNullOrEmpty(input.Site))
        {
            // The site is named in the body, so the endpoint filter cannot see it: the same check, in line.
            if (await sites.FindAsync(request.HttpContext.User, input.Site, ct) is not { } site) return SiteAccess.NotFound(input.Site);
            domains = site.Domains;
        }
        else domains = Uri.TryCreate(input.Url, UriKind.Absolute, out var page) ? [page.Host] : [];

        // A regex over its time limit counts as no match (UapPattern.Match) or as a bot (BotDetector): no exception reaches here.
        var fields = enricher.Enrich(input.UserAgent ?? "", hints: null, ip, input.Url, input.Referrer ?? "", domains);
        return TypedResults.Json(fields, EnrichmentJsonContext.Default.EnrichedFields);
    }

    static IResult Invalid(string field, string message) =>
        Problems.Field(StatusCodes.Status400BadRequest, "Invalid " + field, $"\"{field}\" {message}.", field);

    static bool IsHttpUrl(string url) =>
        url.Length <= 4096 && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
