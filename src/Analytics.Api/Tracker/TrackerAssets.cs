using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Analytics.Tracker;

/// <summary>
/// Serves the built tracker (<c>tracker-js/dist</c>: /t.js, /t-banner.js) from memory, gzip-compressed when the
/// browser accepts it, with an ETag; and the demo shop (<c>tracker-js/demo</c>) at /demo/.
/// <c>Tracker:Directory</c> names the tracker-js folder; by default it is found above the app.
/// </summary>
public static class TrackerAssets
{
    static readonly string[] Scripts = ["t.js", "t-banner.js"];

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
        foreach (var name in Scripts)
        {
            var path = Path.Combine(dist, name);
            if (!File.Exists(path)) continue;
            var script = Script.Load(path);
            app.MapGet("/" + name, script.Serve).AllowAnonymous();
        }
        var demo = Path.Combine(root!, "demo");
        if (Directory.Exists(demo))
        {
            // An endpoint, not static-file middleware: it is anonymous by name under the deny-by-default policy,
            // and only requests under /demo reach the file system (the provider refuses paths outside it).
            var files = new PhysicalFileProvider(Path.GetFullPath(demo));
            app.MapGet("/demo/{**file}", (string? file) => DemoFile(files, file)).AllowAnonymous();
            app.MapGet("/demo", () => TypedResults.Redirect("/demo/index.html")).AllowAnonymous();
        }
    }

    static readonly FileExtensionContentTypeProvider ContentTypes = new();

    static IResult DemoFile(PhysicalFileProvider files, string? file)
    {
        var info = string.IsNullOrEmpty(file) ? null : files.GetFileInfo(file);
        if (info is not { Exists: true, IsDirectory: false, PhysicalPath: not null }) return TypedResults.NotFound();
        var contentType = ContentTypes.TryGetContentType(info.Name, out var type) ? type : "application/octet-stream";
        return TypedResults.PhysicalFile(info.PhysicalPath, contentType, lastModified: info.LastModified, enableRangeProcessing: true);
    }

    sealed record Script(byte[] Plain, byte[] Gzipped, string ETag)
    {
        public static Script Load(string path)
        {
            var plain = File.ReadAllBytes(path);
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(plain);
            return new Script(plain, compressed.ToArray(), $"\"{Convert.ToHexStringLower(SHA256.HashData(plain))[..16]}\"");
        }

        public IResult Serve(HttpContext http)
        {
            var headers = http.Response.Headers;
            // Pages cache the tracker for an hour; a new version reaches every visitor within that.
            headers.CacheControl = "public, max-age=3600";
            headers.ETag = ETag;
            headers.Vary = "Accept-Encoding";
            headers.AccessControlAllowOrigin = "*";
            if (http.Request.Headers.IfNoneMatch == ETag) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            var gzip = http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
            if (gzip) headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(gzip ? Gzipped : Plain, "application/javascript; charset=utf-8");
        }
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
