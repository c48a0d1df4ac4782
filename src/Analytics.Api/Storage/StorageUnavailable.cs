using Analytics.Ingestion;
using Analytics.Shared;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Analytics.Storage;

/// <summary>
/// A disk that is full or failing (an <see cref="IOException"/> on a spool append) or a ClickHouse that is away is
/// no bug of the service and no fault of the client: the answer is 503 with Retry-After, in problem+json, on every
/// endpoint (collect, consent, the importers), and the log gets one line without a stack trace. A statement ClickHouse
/// refused as such (<see cref="ClickHouseException.IsRefusedStatement"/>) is a bug: 500, with its stack trace logged.
/// </summary>
public sealed class StorageUnavailable(IOptions<IngestionOptions> options, ILogger<StorageUnavailable> logger) : IExceptionHandler
{
    public static bool Matches(Exception e) => e is ClickHouseException { IsRefusedStatement: false } || (e is IOException && e is not BadHttpRequestException);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!Matches(exception) || http.RequestAborted.IsCancellationRequested || http.Response.HasStarted) return false;
        var disk = exception is IOException;
        logger.LogWarning("{Method} {Path} answered 503: {Kind} failed: {Error}", http.Request.Method, http.Request.Path,
            disk ? "the disk" : "ClickHouse", exception.Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var detail = disk
            ? "The service could not write to its disk (full or failing), so this request was not kept (an import keeps the lines before the failure). Retry later."
            : "Storage is not reachable right now. Retry later.";
        await Problems.Field(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail, "").ExecuteAsync(http);
        return true;
    }
}
