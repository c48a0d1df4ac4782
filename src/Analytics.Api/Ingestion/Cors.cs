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
        response.Headers.Vary = "Origin";
    }

    public static IResult Preflight(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0) Allow(http.Response, origin);
        http.Response.Headers.AccessControlAllowMethods = "POST, OPTIONS";
        http.Response.Headers.AccessControlAllowHeaders = "Content-Type";
        http.Response.Headers.AccessControlMaxAge = "86400";
        return TypedResults.NoContent();
    }
}
