using Analytics.Auth;
using Analytics.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Analytics.Sites;

public sealed record SiteMemberRequest(string? UserId);
public sealed record SiteMemberResponse(string UserId, string Name, string Role, bool Deactivated);

/// <summary>
/// Who may see a site (admin): <c>GET/POST/DELETE /api/sites/{key}/members</c> with <c>{"user_id"}</c>, and
/// <c>DELETE /api/sites/{key}/members/{user_id}</c>. Adding and removing are idempotent; a change is in force on
/// this instance at once and on the others after their next reload (<see cref="AuthOptions.TokenReloadInterval"/>).
/// </summary>
public static class SiteMembersApi
{
    public static void MapSiteMembers(this RouteGroupBuilder sites)
    {
        var members = sites.MapGroup("/{key}/members").RequireAuthorization(Roles.Admin).RequireSiteAccess();
        members.MapGet("/", List);
        members.MapPost("/", Add);
        members.MapDelete("/", ([FromBody] SiteMemberRequest? request, HttpContext http, SiteMembers store, CancellationToken ct) =>
            Remove(request?.UserId, http, store, ct));
        members.MapDelete("/{userId}", (string userId, HttpContext http, SiteMembers store, CancellationToken ct) => Remove(userId, http, store, ct));
    }

    static async Task<IResult> List(HttpContext http, SiteMembers store, TokenStore users, CancellationToken ct)
    {
        var site = http.SiteOf();
        var members = new List<SiteMemberResponse>();
        foreach (var userId in await store.MembersOfAsync(site.Id, ct))
        {
            var user = await users.FindUserAsync(userId, ct); // null for a user whose only (pre-users) token was revoked
            members.Add(new SiteMemberResponse(userId, user?.Name ?? "", user?.Role ?? "", user?.Deactivated ?? true));
        }
        return TypedResults.Ok(members);
    }

    static async Task<IResult> Add(SiteMemberRequest? request, HttpContext http, SiteMembers store, TokenStore users, CancellationToken ct)
    {
        if (request?.UserId is not { Length: > 0 } userId)
            return Problems.Field(StatusCodes.Status400BadRequest, "Missing user_id", "The body must be {\"user_id\": \"…\"}, the id of a user.", "user_id");
        if (await users.FindUserAsync(userId, ct) is not { Deactivated: false } user)
            return Problems.Field(StatusCodes.Status400BadRequest, "Unknown user", $"No active user has the id '{userId}'.", "user_id");
        var site = http.SiteOf();
        if (!await store.AddAsync(site.Id, user.Id, ct)) return TypedResults.NoContent();
        return TypedResults.Created($"/api/sites/{site.Key}/members/{user.Id}", new SiteMemberResponse(user.Id, user.Name, user.Role, user.Deactivated));
    }

    static async Task<IResult> Remove(string? userId, HttpContext http, SiteMembers store, CancellationToken ct)
    {
        if (userId is not { Length: > 0 })
            return Problems.Field(StatusCodes.Status400BadRequest, "Missing user_id", "The body must be {\"user_id\": \"…\"}, the id of a user.", "user_id");
        await store.RemoveAsync(http.SiteOf().Id, userId, ct);
        return TypedResults.NoContent();
    }
}
