using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Analytics.Shared;

/// <summary>ANALYTICS_TRUSTED_PROXIES: comma-separated addresses or CIDR networks whose X-Forwarded-For is believed.</summary>
public static class TrustedProxies
{
    public static void Configure(ForwardedHeadersOptions options, string? setting)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        if (string.IsNullOrWhiteSpace(setting))
        {
            options.ForwardedHeaders = ForwardedHeaders.None;
            return;
        }
        foreach (var entry in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network)) options.KnownIPNetworks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) options.KnownProxies.Add(address);
            else throw new InvalidOperationException($"ANALYTICS_TRUSTED_PROXIES: '{entry}' is neither an address nor a CIDR network.");
        }
    }
}
