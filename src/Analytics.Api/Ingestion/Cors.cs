namespace Analytics.Ingestion;

/// <summary>
/// CORS for the tracker's endpoints. A preflight is answered for any origin (it carries no site key); the POST
/// itself checks the origin against the site's domains and only then allows the page to read the answer.
/// </summary>
public static class Cors
{
    public static void Allow(HttpResponse response, string origin)
    {
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlExposeHeaders = "Retry-After";
        response.Headers.Vary = "Origin";
    }

    /// <summary>
    /// Every answer of the tracker's endpoints is readable by the page, refusals and 429s included: a tracker that
    /// cannot read a 403 would take it for a network error and retry. These endpoints use no cookies, so this
    /// reveals nothing; whether the origin may send events is decided by the endpoint itself.
    /// </summary>
    public static IApplicationBuilder UseTrackerCors(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (IsTrackerPath(http.Request.Path))
        {
            var origin = http.Request.Headers.Origin.ToString();
            if (origin.Length > 0) Allow(http.Response, origin);
        }
        return next(http);
    });

    public static bool IsTrackerPath(PathString path) =>
        path.StartsWithSegments("/api/collect") || path.StartsWithSegments("/api/consent");

    public static IResult Preflight(HttpContext http)
    {
        http.Response.Headers.AccessControlAllowMethods = "POST, OPTIONS";
        http.Response.Headers.AccessControlAllowHeaders = "Content-Type";
        http.Response.Headers.AccessControlMaxAge = "86400";
        return TypedResults.NoContent();
    }
}
