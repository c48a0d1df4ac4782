using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Analytics.Enrichment.Visitors;

/// <summary>The cookieless visitor id: HMAC-SHA256(daily salt; site, IP, user agent), cut to 64 bits, as 16 hex digits.</summary>
/// <remarks>
/// The same person on the same site on the same UTC day gets the same id; another site or another day gives
/// an unrelated one, and once the day's salt is deleted (after 48 h) nobody can recompute it from an IP.
/// Only for visitors without a consented visitor id.
/// </remarks>
public sealed class VisitorHash(DailySalts salts)
{
    private const int StackLimit = 1024;

    /// <summary>Today's id of this visitor on this site.</summary>
    public string Compute(string siteId, IPAddress ip, string? userAgent) =>
        Compute(salts.Today().Salt, siteId, ip, userAgent);

    /// <summary>Yesterday's id (to continue a visit across midnight), or null when yesterday's salt is gone.</summary>
    public string? ComputeYesterday(string siteId, IPAddress ip, string? userAgent) =>
        salts.Yesterday() is { } yesterday ? Compute(yesterday.Salt, siteId, ip, userAgent) : null;

    internal static string Compute(ReadOnlySpan<byte> salt, string siteId, IPAddress ip, string? userAgent)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4(); // one person, one id, whichever socket they came in on
        userAgent ??= "";

        // Each part is length-prefixed, so ("ab", "c") and ("a", "bc") never hash alike.
        var size = 3 * sizeof(int) + Encoding.UTF8.GetMaxByteCount(siteId.Length) + 16
                   + Encoding.UTF8.GetMaxByteCount(userAgent.Length);
        byte[]? rented = null;
        var buffer = size <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            var length = 0;
            length += WriteString(buffer[length..], siteId);
            if (!ip.TryWriteBytes(buffer[(length + sizeof(int))..], out var ipLength))
                throw new ArgumentException("Unexpected address size.", nameof(ip));
            BinaryPrimitives.WriteInt32LittleEndian(buffer[length..], ipLength);
            length += sizeof(int) + ipLength;
            length += WriteString(buffer[length..], userAgent);

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(salt, buffer[..length], mac);
            return Convert.ToHexStringLower(mac[..8]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented, clearArray: true); // it held an IP
        }
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, written);
        return sizeof(int) + written;
    }
}
