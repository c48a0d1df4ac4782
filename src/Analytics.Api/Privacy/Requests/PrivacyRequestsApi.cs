using System.Security.Claims;
using System.Text.Json;
using Analytics.Auth;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;

namespace Analytics.Privacy.Requests;

/// <summary>
/// Data-subject requests (DESIGN.md "Consent and privacy", docs/privacy.md "Requests"): privacy officers and admins,
/// members of the request's site. A request of a site the caller may not see answers like an unknown id (404).
/// </summary>
public static class PrivacyRequestsApi
{
    const int MaxIdLength = 256;
    const int MaxReferenceLength = 200;

    public static void AddPrivacyRequests(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrivacyRequestOptions>().BindConfiguration("Privacy:Requests")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Privacy:Requests:PollInterval must be positive.")
            .Validate(o => o.MutationTimeout > TimeSpan.Zero, "Privacy:Requests:MutationTimeout must be positive.")
            .Validate(o => o.StepDelay >= TimeSpan.Zero, "Privacy:Requests:StepDelay must not be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PrivacyRequestStore>();
        builder.Services.AddSingleton<SubjectErasure>();
        builder.Services.AddSingleton<SubjectExport>();
        builder.Services.AddSingleton<Tombstones>();
        builder.Services.AddSingleton<DeadLetterErasure>();
        builder.Services.AddSingleton<Ingestion.ISpoolRowFilter>(sp => sp.GetRequiredService<Tombstones>());
        builder.Services.AddSingleton<PrivacyRequestRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PrivacyRequestRunner>());
    }

    public static void MapPrivacyRequests(this WebApplication app)
    {
        var requests = app.MapGroup("/api/privacy/requests").RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.PrivacyOfficer));
        requests.MapPost("/", CreateAsync); // the site is in the body: checked there
        requests.MapGet("/", ListAsync).RequireSiteAccess();
        requests.MapGet("/{id}", GetAsync);
        requests.MapGet("/{id}/export", ExportAsync);
    }

    static async Task<IResult> CreateAsync(HttpContext http, SiteAccess access, PrivacyRequestStore store, PrivacyAudit audit,
        PrivacyRequestRunner runner, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(http.Request.Body, Storage.StorageJson.Default.JsonElement, ct);
        }
        catch (JsonException e)
        {
            return Bad("body", $"The body is not JSON: {e.Message}");
        }
        if (body.ValueKind != JsonValueKind.Object) return Bad("body", "The body must be a JSON object.");
        var type = Text(body, "type");
        if (type is null || !RequestTypes.All.Contains(type)) return Bad("type", "type must be \"access\" or \"erasure\".");
        if (Text(body, "site") is not { Length: > 0 } key) return Bad("site", "site must be the key of a site.");
        var (customer, visitor) = (Text(body, "customer_id"), Text(body, "visitor_id"));
        if (Has(body, "customer_id") && customer is null) return Bad("customer_id", "customer_id must be a string.");
        if (Has(body, "visitor_id") && visitor is null) return Bad("visitor_id", "visitor_id must be a string.");
        if (customer is not null && visitor is not null) return Bad("visitor_id", "Give customer_id or visitor_id, not both: a customer's visitors are found from its id.");
        var (field, id) = customer is not null ? ("customer_id", customer) : ("visitor_id", visitor);
        if (id is not { Length: > 0 and <= MaxIdLength })
            return Bad(field, $"customer_id or visitor_id must be given, 1 to {MaxIdLength} characters.");
        var reference = Text(body, "reference");
        if (Has(body, "reference") && body.GetProperty("reference").ValueKind != JsonValueKind.Null && reference is null)
            return Bad("reference", "reference must be a string.");
        if (reference is { Length: > MaxReferenceLength }) return Bad("reference", $"reference must be at most {MaxReferenceLength} characters.");
        if (await access.FindAsync(http.User, key, ct) is not { } site) return SiteAccess.NotFound(key);

        var asked = new SubjectRef(field == "customer_id" ? SubjectKey.Customer : SubjectKey.Visitor, id);
        var request = await store.CreateAsync(site.Id, type, asked, reference ?? "", UserOf(http.User), ct);
        await audit.RecordAsync(http.User, new AuditEntry(site.Id, $"request.{type}", RequestStatuses.Queued, request.RequestId, asked), ct);
        runner.Wake();
        return TypedResults.Accepted($"/api/privacy/requests/{request.RequestId}",
            new CreatedRequest(request.RequestId, request.Status, DateTimeOffset.FromUnixTimeSeconds(request.DueAt)));
    }

    static async Task<IResult> ListAsync(HttpContext http, PrivacyRequestStore store, PrivacyAudit audit, TimeProvider time, string? site, string? status,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(site)) return Bad("site", "site must be the key of a site.");
        if (status is not null && !RequestStatuses.All.Contains(status))
            return Bad("status", $"status must be one of {string.Join(", ", RequestStatuses.All)}.");
        var found = http.SiteOf();
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var requests = await store.ListAsync(found.Id, status, ct);
        await audit.RecordAsync(http.User, new AuditEntry(found.Id, "requests.list", "answered", Detail: $"status {status ?? "any"}: {requests.Count} requests"), ct);
        return TypedResults.Ok(requests.Select(r => View(r, found.Key, now)).ToList());
    }

    static async Task<IResult> GetAsync(string id, HttpContext http, PrivacyRequestStore store, SiteAccess access, Sites.SiteStore sites,
        PrivacyAudit audit, TimeProvider time, IClickHouse clickHouse, CancellationToken ct)
    {
        if (await VisibleAsync(id, http.User, store, access, sites, ct) is not var (request, site)) return UnknownRequest(id);
        await audit.RecordAsync(http.User, new AuditEntry(site.Id, "request.read", request.Status, request.RequestId, SubjectPseudonym: request.Subject), ct);
        var view = View(request, site.Key, time.GetUtcNow().ToUnixTimeSeconds());
        if (request.Type != RequestTypes.Erasure) return TypedResults.Ok(view);
        // The erasure's evidence includes its tombstones (written before the deletes; none yet while it is queued).
        var tombstones = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT count() AS n, toInt64(toUnixTimestamp(max(erased_at))) AS erased_s
            FROM privacy_tombstones WHERE site_id = {request.SiteId} AND request_id = {request.RequestId}
            """), PrivacyRequestsJson.Default.TombstoneCountRow, ct);
        return TypedResults.Ok(tombstones is { N: > 0 } t ? view with { Tombstones = new(t.N, DateTimeOffset.FromUnixTimeSeconds(t.ErasedS)) } : view);
    }

    static async Task<IResult> ExportAsync(string id, string? format, HttpContext http, PrivacyRequestStore store, SiteAccess access,
        Sites.SiteStore sites, SubjectExport export, PrivacyAudit audit, TimeProvider time, CancellationToken ct)
    {
        if (format is not (null or "json" or "csv")) return Bad("format", "format must be json or csv.");
        if (await VisibleAsync(id, http.User, store, access, sites, ct) is not var (request, site)) return UnknownRequest(id);
        if (request.Type != RequestTypes.Access)
            return Problems.Field(StatusCodes.Status409Conflict, "Not an access request", "Only an access request has an export.", "id");
        if (request.Status != RequestStatuses.Completed)
            return Problems.Field(StatusCodes.Status409Conflict, "Not completed", $"The request is {request.Status}; its export is ready once it is completed.", "id");
        if (await store.SubjectAsync(request, ct) is not { } ids)
            return Problems.Field(StatusCodes.Status410Gone, "Subject erased", "An erasure of this subject has run since: there is nothing to export.", "id");
        var subject = new Subject(request.SiteId, PrivacyRequestStore.Asked(request, ids), ids.CustomerIds, ids.VisitorIds);
        var tables = await export.RowsAsync(subject, ct);
        var csv = format == "csv";
        await audit.RecordAsync(http.User, new AuditEntry(site.Id, "export.download", RequestStatuses.Completed, request.RequestId, subject.Asked,
            $"{(csv ? "csv" : "json")}: " + string.Join(", ", tables.Select(t => $"{t.Table} {t.Rows.Count}"))), ct);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"privacy-export-{request.RequestId}.{(csv ? "zip" : "json")}\"";
        http.Response.ContentType = csv ? "application/zip" : "application/json";
        var view = View(request, site.Key, time.GetUtcNow().ToUnixTimeSeconds());
        if (csv) await SubjectExport.WriteCsvZipAsync(http.Response.Body, tables, ct);
        else await SubjectExport.WriteJsonAsync(http.Response.Body, view, tables, ct);
        return TypedResults.Empty;
    }

    /// <summary>The request and its site, if the caller may see that site; else null, as for an id no request has.</summary>
    static async Task<(PrivacyRequest, Site)?> VisibleAsync(string id, ClaimsPrincipal user, PrivacyRequestStore store, SiteAccess access,
        Sites.SiteStore sites, CancellationToken ct)
    {
        if (id.Length > 64 || await store.FindAsync(id, ct) is not { } request) return null;
        if (sites.All.FirstOrDefault(s => s.Id == request.SiteId) is not { } site) return null;
        return await access.FindAsync(user, site.Key, ct) is null ? null : (request, site);
    }

    static RequestView View(PrivacyRequest r, string siteKey, long now) => new(
        r.RequestId, siteKey, r.Type, r.Status, r.SubjectKey, r.Reference, DateTimeOffset.FromUnixTimeSeconds(r.ReceivedAt),
        DateTimeOffset.FromUnixTimeSeconds(r.DueAt), DateTimeOffset.FromUnixTimeSeconds(r.UpdatedAt), r.IsOverdue(now), r.TableResults,
        r.Error.Length == 0 ? null : r.Error);

    static IResult UnknownRequest(string id) =>
        Problems.Field(StatusCodes.Status404NotFound, "Unknown request", $"No request has the id '{id}'.", "id");

    static IResult Bad(string field, string message) => Problems.Field(StatusCodes.Status400BadRequest, "Invalid request", message, field);

    static bool Has(JsonElement body, string name) => body.TryGetProperty(name, out _);

    static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static string UserOf(ClaimsPrincipal user) => user.FindFirstValue(ApiClaims.UserId) ?? user.Identity?.Name ?? "";
}
