namespace Analytics.Sites;

/// <summary>Marks an endpoint (or a group) as per-site; the walk in the tests finds every endpoint so marked.</summary>
public sealed class SiteScopedEndpoint
{
    public static readonly SiteScopedEndpoint Instance = new();
}

/// <summary>
/// <c>.RequireSiteAccess()</c>: the <see cref="SiteAccess"/> check as an endpoint filter, for endpoints that name
/// their site in the route (<c>{key}</c>) or the query (<c>?site=KEY</c>). It runs after authorization (a role
/// the endpoint refuses is a 403 whatever the site) and before the handler: a site the caller may not see, or
/// that does not exist, answers <see cref="SiteAccess.NotFound"/>. The site found is in
/// <see cref="SiteOf"/> for the handler. Without a key the handler runs and refuses the missing site itself.
/// </summary>
public static class SiteAccessEndpoints
{
    public const string RouteKey = "key";
    public const string QueryKey = "site";

    public static TBuilder RequireSiteAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(SiteScopedEndpoint.Instance);
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var key = http.Request.RouteValues[RouteKey] as string ?? http.Request.Query[QueryKey].ToString();
            if (key.Length == 0) return await next(context);
            var access = http.RequestServices.GetRequiredService<SiteAccess>();
            if (await access.FindAsync(http.User, key, http.RequestAborted) is not { } site) return SiteAccess.NotFound(key);
            http.Items[typeof(Site)] = site;
            return await next(context);
        });
    }

    /// <summary>The site <see cref="RequireSiteAccess{TBuilder}"/> let through for this request.</summary>
    public static Site SiteOf(this HttpContext http) =>
        http.Items[typeof(Site)] as Site ?? throw new InvalidOperationException("The endpoint is not marked with RequireSiteAccess, or names no site.");
}
