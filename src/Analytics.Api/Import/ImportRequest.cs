using System.IO.Compression;
using System.IO.Pipelines;
using Analytics.Shared;
using Analytics.Sites;
using Microsoft.AspNetCore.Http.Features;

namespace Analytics.Import;

/// <summary>What both importers check before reading a line: the site, the content type and encoding; then the body as a stream of lines.</summary>
public static class ImportRequest
{
    /// <summary>How far ahead of the server's clock an event's time may be: a few minutes of clock skew are forgiven.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>How long an import waits for room when the spool is full (ClickHouse slow or away) before it gives up with 503.</summary>
    public static TimeSpan MaxSpoolWait(Ingestion.IngestionOptions options) => TimeSpan.FromSeconds(Math.Max(60, options.RetryAfterSeconds * 4));

    public static IResult? FindSite(HttpRequest request, SiteStore sites, out Site site)
    {
        site = null!;
        var key = request.Query["site"].ToString();
        if (key.Length == 0)
            return Problems.Field(StatusCodes.Status400BadRequest, "Missing site", "Name the site in the query: ?site=SITE_KEY.", "site");
        if (sites.FindByKey(key) is not { } found)
            return Problems.Field(StatusCodes.Status404NotFound, "Unknown site", $"No site has the key '{key}'.", "site");
        site = found;
        return null;
    }

    /// <summary>
    /// The body as a pipe of bytes, gunzipped on the fly for <c>Content-Encoding: gzip</c>. The body size limit is
    /// lifted for this request: an import is as long as the history it brings, and it is read line by line.
    /// </summary>
    public static IResult? OpenBody(HttpRequest request, IReadOnlyList<string> mediaTypes, out PipeReader body)
    {
        body = null!;
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType))
        {
            var mediaType = contentType.Split(';', 2)[0].Trim();
            if (!mediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
                return Problems.Field(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                    $"Send the body as {string.Join(" or ", mediaTypes)}.", "content-type");
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = null;
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            body = request.BodyReader;
        else if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            body = PipeReader.Create(new GZipStream(request.Body, CompressionMode.Decompress), new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        else
            return Problems.Field(StatusCodes.Status415UnsupportedMediaType, "Unsupported content encoding",
                "Send the body uncompressed or with Content-Encoding: gzip.", "content-encoding");
        return null;
    }

    /// <summary>Runs the import and answers: the report, or what went wrong and how far it got.</summary>
    public static async Task<IResult> RunAsync(HttpContext http, Site site, string kind, Ingestion.IngestionOptions options, ILogger logger,
        Func<Task<(ImportReport Report, Exception? BodyError)>> run)
    {
        try
        {
            var (report, bodyError) = await run();
            logger.LogInformation("Imported {Kind} for site {SiteKey}: {Lines} lines, {Imported} imported, skipped {Skipped}",
                kind, site.Key, report.LinesRead, report.Imported, report.Skipped);
            return bodyError is null ? TypedResults.Json(report, ImportJson.Default.ImportReport) : Broken(report, bodyError);
        }
        catch (Ingestion.SpoolFullException e)
        {
            http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString();
            return Problems.Field(StatusCodes.Status503ServiceUnavailable, "Spool full",
                e.Message + " ClickHouse does not keep up or is away; the rows spooled so far stay imported. Retry the rest later.", "");
        }
    }

    /// <summary>A body that is cut off or not gzip: what was read before stays imported, and the answer says how far it got.</summary>
    public static IResult Broken(ImportReport report, Exception e) =>
        Problems.Field(StatusCodes.Status400BadRequest, "Unreadable body",
            $"The body could not be read after {report.LinesRead} lines ({report.Imported} imported, and kept): {e.Message}", "body");
}
