using System.Net;
using System.Net.Sockets;

namespace Analytics.Enrichment.GeoIp;

/// <summary>Tells addresses that can be located from private, loopback and other special-use ones.</summary>
internal static class PublicAddress
{
    public static bool IsPublic(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip)) return false;

        Span<byte> b = stackalloc byte[16];
        if (!ip.TryWriteBytes(b, out var length)) return false;

        if (ip.AddressFamily == AddressFamily.InterNetwork && length == 4)
        {
            return !(b[0] == 0                                   // "this" network
                     || b[0] == 10                               // private
                     || (b[0] == 100 && (b[1] & 0xC0) == 64)     // carrier-grade NAT 100.64/10
                     || b[0] == 127                              // loopback
                     || (b[0] == 169 && b[1] == 254)             // link-local
                     || (b[0] == 172 && (b[1] & 0xF0) == 16)     // private 172.16/12
                     || (b[0] == 192 && b[1] == 168)             // private
                     || b[0] >= 224);                            // multicast and reserved
        }

        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && length == 16)
        {
            return !(ip.Equals(IPAddress.IPv6None)
                     || (b[0] & 0xFE) == 0xFC                    // unique local fc00::/7
                     || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)  // link-local fe80::/10
                     || (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)  // site-local (deprecated)
                     || b[0] == 0xFF);                           // multicast
        }
        return false;
    }
}
