using Analytics.Auth;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Analytics.Sites;

public static class SitesApi
{
    public static void AddSites(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SiteStore>();
        builder.Services.AddSingleton<SiteMembers>();
        builder.Services.AddSingleton<SiteAccess>();
        builder.Services.AddSingleton<IValidator<CreateSiteRequest>, CreateSiteValidator>();
        builder.Services.AddHostedService<SiteStartup>();
        builder.Services.AddOptions<SitesOptions>().BindConfiguration("Sites")
            .Validate(o => o.ReloadInterval > TimeSpan.Zero, "Sites:ReloadInterval must be positive.").ValidateOnStart();
        builder.Services.AddHostedService<SiteReload>();
    }

    public static void MapSites(this WebApplication app)
    {
        // Policies per endpoint, not on the group: a group policy and an endpoint policy would both be required.
        var sites = app.MapGroup("/api/sites");
        sites.MapPost("/", Create).RequireAuthorization(Roles.Admin);
        // Any person's own sites; its site record for a member of any role (service users pick the site of their customers).
        sites.MapGet("/", List).RequireAuthorization(Roles.AnyUser);
        sites.MapGet("/{key}", async (HttpContext http, Privacy.Retention.RetentionRuns retention, CancellationToken ct) =>
                TypedResults.Ok(ToResponse(http.SiteOf(), http) with { RetentionLastRun = await retention.LastRunAsync(http.SiteOf().Id, ct) }))
            .RequireAuthorization(Roles.AnyUser).RequireSiteAccess();
        sites.MapPut("/{key}", Update).RequireAuthorization(Roles.Admin).RequireSiteAccess();
        sites.MapSiteMembers();
        sites.MapPut("/{key}/identify-secret", IdentifySecretApi.SetAsync).RequireAuthorization(Roles.Admin).RequireSiteAccess();
    }

    static async Task<Results<Created<SiteResponse>, ValidationProblem>> Create(
        CreateSiteRequest request, IValidator<CreateSiteRequest> validator, SiteStore store, HttpContext http, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return TypedResults.ValidationProblem(validation.ToDictionary());
        var domains = request.Domains!.Select(d => d.Trim().ToLowerInvariant()).Distinct().ToList();
        var queryParams = (request.QueryParams ?? []).Select(p => p.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var site = await store.CreateAsync(request.Name!.Trim(), domains, request.TimeZone ?? "UTC", request.RetentionDays ?? 395, queryParams, null, ct, request.IdentifySecret ?? "");
        return TypedResults.Created($"/api/sites/{site.Key}", ToResponse(site, http));
    }

    /// <summary>
    /// PUT /api/sites/{key} (admin): new name and domains, and the time zone, retention and query parameters when given
    /// (null keeps them). The identify secret has its own endpoint; the key, id and creation time never change.
    /// </summary>
    static async Task<IResult> Update(string key, CreateSiteRequest request, IValidator<CreateSiteRequest> validator, SiteStore store,
        HttpContext http, CancellationToken ct)
    {
        if (request.IdentifySecret is not null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["identify_secret"] = ["is set with PUT /api/sites/{key}/identify-secret"] });
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return TypedResults.ValidationProblem(validation.ToDictionary());
        var site = http.SiteOf();
        var updated = await store.UpdateAsync(site.Key, request.Name!.Trim(), request.Domains!.Select(d => d.Trim().ToLowerInvariant()).Distinct().ToList(),
            request.TimeZone ?? site.TimeZone, request.RetentionDays ?? site.RetentionDays,
            request.QueryParams is null ? site.QueryParams : request.QueryParams.Select(p => p.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), ct);
        return updated is null ? SiteAccess.NotFound(key) : TypedResults.Ok(ToResponse(updated, http));
    }

    static async Task<Ok<List<SiteResponse>>> List(SiteAccess access, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await access.VisibleAsync(http.User, ct)).Select(s => ToResponse(s, http)).ToList());

    static SiteResponse ToResponse(Site site, HttpContext http) =>
        new(site.Id, site.Key, site.Name, site.Domains, site.TimeZone, site.RetentionDays, site.CreatedAt,
            $"<script defer src=\"{http.Request.Scheme}://{http.Request.Host}/t.js\" data-site=\"{site.Key}\" data-consent=\"required\"></script>", site.QueryParams)
        { IdentifySigned = site.IdentifySecret.Length > 0 };
}
