using System.Text.Json;
using Analytics.Auth;
using Analytics.Customers;
using Analytics.Shared;
using Analytics.Sites;
using Microsoft.Extensions.Options;

namespace Analytics.Crm.Segments;

/// <summary>
/// <c>/api/sites/{key}/segments</c> (saved definitions) and <c>/api/segments/{id}/…</c> (members, deliveries, a run):
/// marketers and admins, members of the segment's site only; a segment of a site the caller may not see answers
/// like an unknown one (404).
/// </summary>
public static class SegmentsApi
{
    public static void MapSegments(this IEndpointRouteBuilder app)
    {
        var segments = app.MapGroup("/api/sites/{key}/segments").RequireAuthorization(Roles.Marketer).RequireSiteAccess();
        segments.MapGet("/", async (HttpContext http, SegmentStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListAsync(http.SiteOf().Id, ct)).Select(s => s.ToAnswer()).ToList()));
        segments.MapPost("/", Create);
        segments.MapGet("/{id}", async (string id, HttpContext http, SegmentStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } s && s.SiteId == http.SiteOf().Id ? TypedResults.Ok(s.ToAnswer()) : Unknown(id));
        segments.MapPut("/{id}", Update);
        segments.MapDelete("/{id}", async (string id, HttpContext http, SegmentStore store, CancellationToken ct) =>
        {
            if (await store.FindAsync(id, ct) is not { } s || s.SiteId != http.SiteOf().Id) return Unknown(id);
            await store.RemoveAsync(s, ct);
            return TypedResults.NoContent();
        });

        var byId = app.MapGroup("/api/segments/{id}").RequireAuthorization(Roles.Marketer).WithMetadata(SiteScopedEndpoint.Instance);
        byId.MapGet("/customers", SegmentExport.HandleAsync);
        byId.MapGet("/deliveries", async (string id, HttpContext http, SegmentStore store, SiteAccess access, SiteStore sites, SegmentDeliveries deliveries, CancellationToken ct) =>
            await VisibleAsync(id, http, store, access, sites, ct) is { } found
                ? TypedResults.Ok(await deliveries.ListAsync(found.Segment, ct)) : Unknown(id));
        byId.MapPost("/run", async (string id, HttpContext http, SegmentStore store, SiteAccess access, SiteStore sites, SegmentWebhookRunner runner, CancellationToken ct) =>
        {
            if (await VisibleAsync(id, http, store, access, sites, ct) is not { } found) return Unknown(id);
            if (found.Segment.WebhookUrl.Length == 0)
                return Problems.Field(StatusCodes.Status400BadRequest, "No webhook", "The segment has no webhook to run.", "webhook");
            return TypedResults.Ok(await runner.RunAsync(found.Segment, found.Site, ct));
        }).RequireAuthorization(Roles.Admin);
    }

    /// <summary>The segment and its site when the caller may see the site; null for an unknown segment and a stranger alike.</summary>
    internal static async Task<(StoredSegment Segment, Site Site)?> VisibleAsync(string id, HttpContext http, SegmentStore store, SiteAccess access, SiteStore sites, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not { } segment) return null;
        if (sites.All.FirstOrDefault(s => s.Id == segment.SiteId) is not { } site) return null;
        return await access.FindAsync(http.User, site.Key, ct) is null ? null : (segment, site);
    }

    internal static IResult Unknown(string id) =>
        Problems.Field(StatusCodes.Status404NotFound, "Unknown segment", $"No segment has the id '{(id.Length <= 60 ? id : id[..60])}'.", "id");

    static async Task<IResult> Create(HttpContext http, SegmentStore store, CancellationToken ct)
    {
        if (await ReadAsync(http, ct) is not { } body) return Invalid([("body", "Send a segment as application/json: {\"name\", \"filters\", \"webhook\"?}.")]);
        if (body.Problem is { } p) return Invalid([p]);
        var problems = SegmentRules.Problems(body.Body!);
        if (problems.Count > 0) return Invalid(problems);
        var site = http.SiteOf();
        if ((await store.ListAsync(site.Id, ct)).Count >= SegmentRules.MaxSegmentsPerSite)
            return Invalid([("name", $"A site has at most {SegmentRules.MaxSegmentsPerSite} segments: delete one first.")]);
        var segment = await store.SaveAsync(site.Id, null, body.Body!, null, ct);
        return TypedResults.Created($"/api/sites/{site.Key}/segments/{segment.Id}", segment.ToAnswer());
    }

    static async Task<IResult> Update(string id, HttpContext http, SegmentStore store, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not { } existing || existing.SiteId != http.SiteOf().Id) return Unknown(id);
        if (await ReadAsync(http, ct) is not { } read) return Invalid([("body", "Send a segment as application/json: {\"name\", \"filters\", \"webhook\"?}.")]);
        if (read.Problem is { } p) return Invalid([p]);
        var body = read.Body!;
        // The secret is never answered: a PUT of what GET gave keeps the stored one for the same webhook.
        if (body.Webhook is { Secret: null } hook && existing.WebhookSecret.Length > 0)
            body = body with { Webhook = hook with { Secret = existing.WebhookSecret } };
        var problems = SegmentRules.Problems(body);
        if (problems.Count > 0) return Invalid(problems);
        return TypedResults.Ok((await store.SaveAsync(existing.SiteId, existing.Id, body, existing.CreatedAt, ct)).ToAnswer());
    }

    sealed record ReadBody(SegmentBody? Body, (string, string)? Problem);

    static async Task<ReadBody?> ReadAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.HasJsonContentType()) return null;
        try
        {
            var body = await JsonSerializer.DeserializeAsync(http.Request.Body, SegmentJson.Default.SegmentBody, ct);
            return body is null ? null : new ReadBody(body, null);
        }
        catch (JsonException e)
        {
            return new ReadBody(null, (FieldOf(e.Path), "Not understood here: " + e.Message));
        }
    }

    /// <summary>"$.filters.last_seen.before" → "filters.last_seen.before"; "body" for the whole document.</summary>
    static string FieldOf(string? path) => path is null or "$" ? "body" : path.StartsWith("$.") ? path[2..] : path;

    internal static IResult Invalid(IReadOnlyList<(string Field, string Message)> problems) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid segment", detail: $"{problems[0].Field}: {problems[0].Message}",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = problems.Select(p => new Dictionary<string, string> { ["field"] = p.Field, ["message"] = p.Message }).ToArray(),
            });
}
