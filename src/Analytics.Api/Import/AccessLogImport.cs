using System.Net;
using Analytics.Ingestion;
using Analytics.Shared;
using Analytics.Sites;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Analytics.Import;

/// <summary>
/// POST /api/import/access-log?site=KEY[&amp;host=www.shop.example]: an nginx/Apache combined log, each page request a
/// pageview through the collect pipeline (time, page, referrer, user agent and address as the log has them).
/// Reasons a line is skipped, in the order they are checked: malformed, method (not GET), static, not_a_page (1xx),
/// redirect (3xx but 304), error_status (≥ 400), too_old / future, invalid, bot.
/// </summary>
public sealed class AccessLogImport(SiteStore sites, EventPipeline pipeline, Spool spool, IValidator<RawEvent> validator,
    IOptions<IngestionOptions> options, ILogger<AccessLogImport> logger)
{
    public const string Origin = "access_log";
    public const int MaxLineBytes = 64 * 1024;
    static readonly string[] MediaTypes = ["text/plain", "application/octet-stream", "text/x-log"];

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        if (ImportRequest.FindSite(http.Request, sites, out var site) is { } noSite) return noSite;
        var host = http.Request.Query["host"].ToString();
        if (host.Length == 0) host = site.Domains.Count > 0 ? site.Domains[0] : "";
        if (!CreateSiteValidator.IsHostName(host))
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid host", "\"host\" must be the host name the log's pages were served from (e.g. www.shop.example).", "host");
        if (ImportRequest.OpenBody(http.Request, MediaTypes, out var body) is { } refused) return refused;

        var now = DateTimeOffset.UtcNow;
        var window = new TimeWindow(now.AddDays(-site.RetentionDays).ToUnixTimeMilliseconds(), (now + ImportRequest.FutureTolerance).ToUnixTimeMilliseconds());
        var pageOrigin = "https://" + host;

        void OnLine(ReadOnlySpan<byte> line, long number, ImportWorker worker)
        {
            var report = worker.Report;
            if (!CombinedLogLine.TryParse(line, out var entry, out var error))
            {
                report.Skip(number, SkipReason.Malformed, null, "not a combined log line: " + error);
                return;
            }
            if (!entry.Method.SequenceEqual("GET"u8))
            {
                report.Skip(number, SkipReason.Method, "method", CombinedLogLine.Decode(entry.Method) + " is not a page view");
                return;
            }
            var target = entry.Target;
            if (target.StartsWith("http://"u8) || target.StartsWith("https://"u8)) // absolute form: keep path and query
            {
                var afterScheme = target.IndexOf("//"u8) + 2;
                var slash = target[afterScheme..].IndexOf((byte)'/');
                target = slash < 0 ? "/"u8 : target[(afterScheme + slash)..];
            }
            if (target.Length == 0 || target[0] != (byte)'/')
            {
                report.Skip(number, SkipReason.Malformed, "request", "the request target is not a path");
                return;
            }
            var pathEnd = target.IndexOfAny((byte)'?', (byte)'#');
            if (StaticAssets.IsStatic(pathEnd < 0 ? target : target[..pathEnd]))
            {
                report.Skip(number, SkipReason.Static);
                return;
            }
            if (StatusReason(entry.Status) is { } statusReason)
            {
                report.Skip(number, statusReason, "status", $"status {entry.Status}");
                return;
            }
            if (window.Reason(entry.TimeMs) is { } timeReason)
            {
                report.Skip(number, timeReason, "time", timeReason == SkipReason.TooOld ? $"older than the site's retention of {site.RetentionDays} days" : "in the future");
                return;
            }
            var raw = new RawEvent { Type = "pageview", Ts = entry.TimeMs, Url = pageOrigin + CombinedLogLine.Decode(target), Referrer = Referrer(entry.Referrer) };
            var validation = validator.Validate(raw);
            if (!validation.IsValid)
            {
                report.Skip(number, SkipReason.Invalid, validation.Errors[0].PropertyName, validation.Errors[0].ErrorMessage);
                return;
            }
            IPAddress.TryParse(entry.Host, out var ip); // a host name (HostnameLookups on) gives no address: no geo, no cookieless id
            var client = new ClientContext(ip, entry.UserAgent.IsEmpty ? "" : CombinedLogLine.Decode(entry.UserAgent), null, now);
            var row = pipeline.ToImportedRow(raw, site, client, entry.TimeMs, Origin);
            if (row.IsBot)
            {
                report.Skip(number, SkipReason.Bot);
                return;
            }
            worker.Add(row);
        }

        return await ImportRequest.RunAsync(http, site, "an access log", options.Value, logger,
            () => ImportRunner.RunAsync(body, MaxLineBytes, OnLine, spool, ImportRequest.MaxSpoolWait(options.Value), http.RequestAborted));
    }

    static string? StatusReason(int status) => status switch
    {
        < 200 => SkipReason.NotAPage,
        304 => null, // a page revalidated from the browser's cache is still a page view
        < 300 => null,
        < 400 => SkipReason.Redirect,
        _ => SkipReason.ErrorStatus,
    };

    /// <summary>A referrer the collect validator would refuse (an app's android-app://…) is dropped, not the page view.</summary>
    static string? Referrer(ReadOnlySpan<byte> logged)
    {
        if (logged.IsEmpty || logged.Length > 4096) return null;
        var text = CombinedLogLine.Decode(logged);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? text : null;
    }
}

/// <summary>The times an import accepts: within the site's retention and not in the future.</summary>
public readonly record struct TimeWindow(long OldestMs, long NewestMs)
{
    public string? Reason(long tsMs) => tsMs < OldestMs ? SkipReason.TooOld : tsMs > NewestMs ? SkipReason.Future : null;
}
