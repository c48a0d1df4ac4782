using System.Net;
using Analytics.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace Analytics.Tests.Shared;

public class TrustedProxiesTests
{
    [Fact]
    public void Without_the_setting_no_forwarded_header_is_believed()
    {
        var options = new ForwardedHeadersOptions();
        TrustedProxies.Configure(options, null);
        Assert.Equal(ForwardedHeaders.None, options.ForwardedHeaders);
        Assert.Empty(options.KnownProxies);
        Assert.Empty(options.KnownIPNetworks);
    }

    [Fact]
    public void Addresses_and_networks_are_trusted_and_nonsense_is_refused()
    {
        var options = new ForwardedHeadersOptions();
        TrustedProxies.Configure(options, "10.0.0.0/8, 127.0.0.1 ,::1");
        Assert.True(options.ForwardedHeaders.HasFlag(ForwardedHeaders.XForwardedFor));
        Assert.Contains(IPAddress.Parse("127.0.0.1"), options.KnownProxies);
        Assert.Single(options.KnownIPNetworks);
        Assert.Throws<InvalidOperationException>(() => TrustedProxies.Configure(new ForwardedHeadersOptions(), "proxy.example"));
    }
}
