using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace Analytics.Ingestion;

/// <summary>
/// Reads a request body into a pooled buffer that grows with the bytes that arrive (never with what the client
/// declares: a Content-Length is a claim, not bytes), refusing it as soon as it passes the limit, and within a time.
/// </summary>
public static class CollectBody
{
    public enum Outcome { Ok, WrongContentType, TooLarge }

    /// <summary>The first buffer: most tracker bodies fit, and a silent client holds no more than this.</summary>
    public const int InitialBufferBytes = 4 * 1024;

    /// <summary>How long a whole body may take to arrive unless the caller says (<see cref="IngestionOptions.BodyTimeoutSeconds"/>).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>application/json, or text/plain (what sendBeacon sends without a CORS preflight), any charset.</summary>
    public static bool IsAcceptedContentType(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        return media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The body, or why not. A body slower than <paramref name="within"/> is a 408 (BadHttpRequestException).</summary>
    public static async Task<(Outcome Outcome, byte[] Buffer, int Length)> ReadAsync(
        HttpRequest request, int maxBytes, CancellationToken ct, TimeSpan? within = null)
    {
        if (!IsAcceptedContentType(request.ContentType)) return (Outcome.WrongContentType, [], 0);
        var limit = within ?? DefaultTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            return await ReadAsync(request.Body, request.ContentLength, maxBytes, ArrayPool<byte>.Shared, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new BadHttpRequestException($"The body did not arrive within {limit.TotalSeconds:F0} s.", StatusCodes.Status408RequestTimeout);
        }
    }

    /// <summary>The reading itself, apart from HTTP: the buffer starts small and doubles as bytes arrive, up to the limit.</summary>
    public static async Task<(Outcome Outcome, byte[] Buffer, int Length)> ReadAsync(
        Stream body, long? declaredLength, int maxBytes, ArrayPool<byte> pool, CancellationToken ct)
    {
        if (declaredLength > maxBytes) return (Outcome.TooLarge, [], 0);
        var buffer = pool.Rent(Math.Min(InitialBufferBytes, maxBytes + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = pool.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    pool.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, maxBytes + 1) - length), ct);
                if (read == 0) break;
                length += read;
                if (length > maxBytes) break;
            }
        }
        catch
        {
            pool.Return(buffer);
            throw;
        }
        if (length > maxBytes)
        {
            pool.Return(buffer);
            return (Outcome.TooLarge, [], 0);
        }
        return (Outcome.Ok, buffer, length);
    }
}
