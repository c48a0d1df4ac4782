using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Analytics.Tracker;

/// <summary>
/// Serves the built tracker (<c>tracker-js/dist</c>: /t.js, /t-banner.js) and the demo shop (<c>tracker-js/demo</c>
/// at /demo/). <c>Tracker:Directory</c> names the tracker-js folder; by default it is found above the app.
/// </summary>
public static class TrackerAssets
{
    public static void MapTracker(this WebApplication app)
    {
        var root = app.Configuration["Tracker:Directory"] is { Length: > 0 } configured ? configured : Find(app.Environment.ContentRootPath);
        var dist = root is null ? null : Path.Combine(root, "dist");
        if (dist is null || !File.Exists(Path.Combine(dist, "t.js")))
        {
            app.Logger.LogWarning("The tracker is not built ({Dist}): /t.js answers 503. Run ./run.sh, or npm ci && npm run build in tracker-js", dist);
            app.MapGet("/t.js", () => TypedResults.Problem(statusCode: 503, title: "Tracker not built",
                detail: "Build it with: cd tracker-js && npm ci && npm run build")).AllowAnonymous();
            return;
        }
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.GetFullPath(dist)),
            OnPrepareResponse = c =>
            {
                // Pages cache the tracker for an hour; a new version reaches every visitor within that.
                c.Context.Response.Headers[HeaderNames.CacheControl] = "public, max-age=3600";
                c.Context.Response.Headers.AccessControlAllowOrigin = "*";
            },
        });
        var demo = Path.Combine(root!, "demo");
        if (Directory.Exists(demo))
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(Path.GetFullPath(demo)), RequestPath = "/demo" });
        app.MapGet("/demo", () => TypedResults.Redirect("/demo/index.html")).AllowAnonymous();
    }

    static string? Find(string start)
    {
        foreach (var from in new[] { start, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tracker-js");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
