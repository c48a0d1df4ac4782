using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Analytics.Dashboard;

/// <summary>
/// Serves the built dashboard (<c>dashboards/web/dist</c>) at <c>/</c>: its hashed files under <c>/assets/</c> cached for
/// a year as immutable, <c>index.html</c> revalidated on every load (<c>no-cache</c>), and the app's own routes
/// (<c>/overview</c>, <c>/signin</c>, <c>/invite</c>, …: any path without a dot outside <c>/api/</c>) answered with
/// <c>index.html</c>. Anonymous, so that the sign-in page loads; the app's data comes from the authenticated /api.
/// <c>Dashboard:Directory</c> names the built folder; by default <c>dashboards/web/dist</c> is found above the app.
/// Not built: the same routes answer 503 with a problem that says how to build it.
/// </summary>
public static class DashboardApp
{
    public const string ImmutableCache = "public, max-age=31536000, immutable";

    public static void MapDashboard(this WebApplication app)
    {
        var dist = app.Configuration["Dashboard:Directory"] is { Length: > 0 } configured ? configured : Find(app.Environment.ContentRootPath);
        var index = dist is null ? null : Path.Combine(dist, "index.html");
        // Literal and parameter routes of the API always win over this catch-all; paths under /api/ and file-like
        // paths never match it, so the deny-by-default policy still answers them (an unknown /api path stays 401).
        var clientRoute = RoutePatternFactory.Parse("/{**route}", defaults: null, parameterPolicies: new { route = new ClientRoute() });
        if (index is null || !File.Exists(index))
        {
            app.Logger.LogWarning("The dashboard is not built ({Dist}): / answers 503. Run ./run.sh, or npm ci && npm run build in dashboards/web", dist);
            IResult NotBuilt() => TypedResults.Problem(statusCode: 503, title: "Dashboard not built",
                detail: "Build it with: cd dashboards/web && npm ci && npm run build (./run.sh does it).");
            app.MapGet("/", NotBuilt).AllowAnonymous();
            app.MapGet("/assets/{**file}", NotBuilt).AllowAnonymous();
            app.Map(clientRoute, NotBuilt).WithMetadata(new HttpMethodMetadata(["GET"])).AllowAnonymous();
            return;
        }
        var html = File.ReadAllBytes(index);
        var assets = new PhysicalFileProvider(Path.GetFullPath(Path.Combine(dist!, "assets")) is var dir && Directory.Exists(dir) ? dir : Path.GetFullPath(dist!));
        IResult Index(HttpContext http)
        {
            http.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Bytes(html, "text/html; charset=utf-8");
        }
        app.MapGet("/", Index).AllowAnonymous();
        app.Map(clientRoute, Index).WithMetadata(new HttpMethodMetadata(["GET"])).AllowAnonymous();
        app.MapGet("/assets/{**file}", (string? file, HttpContext http) => Asset(assets, file, http)).AllowAnonymous();
    }

    static readonly FileExtensionContentTypeProvider ContentTypes = new();

    static IResult Asset(PhysicalFileProvider files, string? file, HttpContext http)
    {
        var info = string.IsNullOrEmpty(file) ? null : files.GetFileInfo(file);
        if (info is not { Exists: true, IsDirectory: false, PhysicalPath: not null }) return TypedResults.NotFound();
        var contentType = ContentTypes.TryGetContentType(info.Name, out var type) ? type : "application/octet-stream";
        // Vite names every asset by its content's hash: a new build is a new name, so a year is safe.
        http.Response.Headers.CacheControl = ImmutableCache;
        return TypedResults.PhysicalFile(info.PhysicalPath, contentType, lastModified: info.LastModified);
    }

    /// <summary>A path of the app's own: not under /api, and its last segment without a dot (not a file).</summary>
    sealed class ClientRoute : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
        {
            var path = values.TryGetValue(routeKey, out var value) ? value?.ToString() ?? "" : "";
            if (path.Length == 0) return false; // "/" has its own endpoint
            if (path.Equals("api", StringComparison.OrdinalIgnoreCase) || path.StartsWith("api/", StringComparison.OrdinalIgnoreCase)) return false;
            return !path[(path.LastIndexOf('/') + 1)..].Contains('.');
        }
    }

    static string? Find(string start)
    {
        foreach (var from in new[] { start, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "dashboards", "web", "dist");
                if (Directory.Exists(Path.Combine(dir.FullName, "dashboards", "web"))) return candidate;
            }
        }
        return null;
    }
}
