using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace Analytics.Ingestion;

/// <summary>Reads a request body into a pooled buffer, refusing it as soon as it passes the limit.</summary>
public static class CollectBody
{
    public enum Outcome { Ok, WrongContentType, TooLarge }

    /// <summary>application/json, or text/plain (what sendBeacon sends without a CORS preflight), any charset.</summary>
    public static bool IsAcceptedContentType(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        return media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase);
    }

    public static async Task<(Outcome Outcome, byte[] Buffer, int Length)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (!IsAcceptedContentType(request.ContentType)) return (Outcome.WrongContentType, [], 0);
        if (request.ContentLength > maxBytes) return (Outcome.TooLarge, [], 0);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 16 * 1024, maxBytes) + 1);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes) break;
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }
            var read = await request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, maxBytes + 1) - length), ct);
            if (read == 0) break;
            length += read;
            if (length > maxBytes) break;
        }
        if (length > maxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (Outcome.TooLarge, [], 0);
        }
        return (Outcome.Ok, buffer, length);
    }
}
