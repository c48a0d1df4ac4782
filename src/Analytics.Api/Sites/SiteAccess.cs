using System.Security.Claims;
using Analytics.Auth;
using Analytics.Shared;

namespace Analytics.Sites;

/// <summary>
/// The one check of every per-site endpoint: may this caller see this site? Admins see every site; a marketer,
/// privacy officer or service user only the sites it is a member of. A site the caller may not see answers
/// exactly like a key no site has (<see cref="NotFound"/>: 404, same body), so that site keys cannot be probed.
/// Every per-site endpoint, now and later (CRM, customers, reports, privacy, segments), goes through it: mark
/// the endpoint or its group with <see cref="SiteAccessEndpoints.RequireSiteAccess{TBuilder}"/> when the site
/// is named by the route (<c>{key}</c>) or the query (<c>?site=</c>), or call <see cref="FindAsync"/> where it
/// is named in the body.
/// </summary>
public sealed class SiteAccess(SiteStore sites, SiteMembers members)
{
    /// <summary>The site of this key if the caller may see it, else null (unknown and not a member alike).</summary>
    public async ValueTask<Site?> FindAsync(ClaimsPrincipal user, string key, CancellationToken ct)
    {
        if (sites.FindByKey(key) is not { } site) return null;
        return await MaySeeAsync(user, site, ct) ? site : null;
    }

    /// <summary>The sites the caller may see: every site for an admin, its memberships for anyone else.</summary>
    public async ValueTask<IReadOnlyList<Site>> VisibleAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.IsInRole(Roles.Admin)) return sites.All;
        if (!IsPerson(user) || user.FindFirstValue(ApiClaims.UserId) is not { } userId) return [];
        var mine = await members.SitesOfAsync(userId, ct);
        return sites.All.Where(s => mine.Contains(s.Id)).ToList();
    }

    async ValueTask<bool> MaySeeAsync(ClaimsPrincipal user, Site site, CancellationToken ct)
    {
        if (user.IsInRole(Roles.Admin)) return true;
        if (!IsPerson(user) || user.FindFirstValue(ApiClaims.UserId) is not { } userId) return false;
        return await members.IsMemberAsync(userId, site.Id, ct);
    }

    /// <summary>A metrics token is no person: it sees no site, whatever memberships its user id has.</summary>
    static bool IsPerson(ClaimsPrincipal user) => Roles.People.Any(user.IsInRole);

    /// <summary>The answer for a site the caller may not see, and for a key no site has: the same, on purpose.</summary>
    public static IResult NotFound(string key) =>
        Problems.Field(StatusCodes.Status404NotFound, "Unknown site", $"No site has the key '{key}'.", "site");
}
