using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Analytics.Ingestion;
using Analytics.Sites;

namespace Analytics.Identity;

/// <summary>
/// Signed identify: a site with an <c>identify_secret</c> accepts an identify event only with
/// <c>signature = hex(HMAC-SHA256(secret, customer_id))</c>, computed by the shop's backend, so that a site key
/// (public in every page) is not enough to graft events onto a customer's history.
/// </summary>
public static class IdentifySignature
{
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 256;

    /// <summary>The signature of <paramref name="customerId"/> (its text as sent) as lower-case hex.</summary>
    public static string Compute(string secret, string customerId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(customerId)));

    /// <summary>The rejection of an identify event that a site with a secret does not accept; null when accepted.</summary>
    public static FieldError? Check(RawEvent e, Site site)
    {
        if (e.Type != "identify" || string.IsNullOrEmpty(site.IdentifySecret)) return null; // elsewhere a signature is ignored
        if (string.IsNullOrEmpty(e.Signature))
            return new("signature", "is required: this site accepts an identify only with signature = hex(HMAC-SHA256(identify_secret, customer_id)) from your backend");
        return Matches(site.IdentifySecret, e.CustomerId ?? "", e.Signature)
            ? null
            : new FieldError("signature", "does not match customer_id (expected hex(HMAC-SHA256(identify_secret, customer_id)))");
    }

    /// <summary>Compares in constant time, so that the time of an answer tells nothing about the right signature.</summary>
    internal static bool Matches(string secret, string customerId, string signature)
    {
        var expected = Compute(secret, customerId);
        var given = signature.ToLowerInvariant();
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected.AsSpan()), MemoryMarshal.AsBytes(given.AsSpan()));
    }
}
