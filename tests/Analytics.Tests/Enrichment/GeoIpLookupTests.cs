using System.Net;
using Analytics.Enrichment.GeoIp;
using Xunit;
using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

/// <summary>GeoIP against MaxMind's own test databases (real GeoIP2/GeoLite2 schema), from ../shared/data/maxmind.</summary>
public class GeoIpLookupTests(ITestOutputHelper output)
{
    private string? Database(string name) => SharedData.Require($"maxmind/{name}", output);

    [Theory]
    [InlineData("GeoIP2-City-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    public void City_databases_give_country_region_and_city(string name)
    {
        if (Database(name) is not { } path) return;
        using var geo = new GeoIpLookup(path, watch: false);

        Assert.Equal(new GeoLocation("GB", "ENG", "London"), geo.Lookup(IPAddress.Parse("81.2.69.142")));
        Assert.Equal(new GeoLocation("US", "WA", "Milton"), geo.Lookup(IPAddress.Parse("216.160.83.56")));
        Assert.Equal(new GeoLocation("SE", "E", "Linköping"), geo.Lookup(IPAddress.Parse("89.160.20.112")));
        Assert.False(geo.UsesDbIp);
        Assert.Null(geo.Attribution);
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb")]
    [InlineData("GeoLite2-Country-Test.mmdb")]
    public void Country_databases_give_the_country_only(string name)
    {
        if (Database(name) is not { } path) return;
        using var geo = new GeoIpLookup(path, watch: false);

        Assert.Equal(new GeoLocation("GB", "", ""), geo.Lookup(IPAddress.Parse("81.2.69.142")));
        Assert.Equal(new GeoLocation("US", "", ""), geo.Lookup(IPAddress.Parse("216.160.83.56")));
        Assert.Equal(new GeoLocation("JP", "", ""), geo.Lookup(IPAddress.Parse("2001:218::1")));
    }

    [Fact]
    public void Private_loopback_and_unlisted_addresses_are_unknown()
    {
        if (Database("GeoIP2-City-Test.mmdb") is not { } path) return;
        using var geo = new GeoIpLookup(path, watch: false);

        foreach (var ip in new[] { "127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.0.1", "100.64.0.1", "169.254.1.1", "::1", "fe80::1", "fd00::1", "1.1.1.1" })
            Assert.Equal(GeoLocation.Unknown, geo.Lookup(IPAddress.Parse(ip)));
        Assert.Equal(GeoLocation.Unknown, geo.Lookup(null));
        // An IPv4 address written as IPv6 (as dual-stack sockets report it) is the IPv4 address.
        Assert.Equal("GB", geo.Lookup(IPAddress.Parse("::ffff:81.2.69.142")).Country);
    }

    [Fact]
    public void No_database_configured_means_empty_geo_fields_not_an_error()
    {
        using var geo = new GeoIpLookup(null);
        Assert.False(geo.IsConfigured);
        Assert.Equal(GeoLocation.Unknown, geo.Lookup(IPAddress.Parse("81.2.69.142")));
    }

    /// <summary>
    /// The generic-reader path, used for DB-IP Lite as packaged by ip-location-db (flat `{country_code}`,
    /// type "country ipvAll", refused by DatabaseReader). No such file is in the shared test data, so this
    /// reads the GeoLite2 Country test database through the same generic reader (its nested
    /// `country.iso_code`) — it proves the MaxMind.Db.Reader path, not the flat field name.
    /// </summary>
    [Fact]
    public void Generic_reader_path_reads_a_country_database()
    {
        if (Database("GeoLite2-Country-Test.mmdb") is not { } path) return;
        using var db = new FlatCountryDatabase(path);

        Assert.Equal("GB", db.Lookup(IPAddress.Parse("81.2.69.142")).Country);
        Assert.Equal("SE", db.Lookup(IPAddress.Parse("89.160.20.112")).Country);
        Assert.Equal(GeoLocation.Unknown, db.Lookup(IPAddress.Parse("1.1.1.1")));
    }

    [Fact]
    public void A_dbip_file_name_requires_the_attribution()
    {
        if (Database("GeoLite2-Country-Test.mmdb") is not { } source) return;
        var dir = Directory.CreateTempSubdirectory("geoip-dbip-");
        try
        {
            var path = Path.Combine(dir.FullName, "dbip-country.mmdb");
            File.Copy(source, path);
            using var geo = new GeoIpLookup(path, watch: false);
            Assert.True(geo.UsesDbIp);
            Assert.Contains("DB-IP", geo.Attribution);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_replaced_database_file_is_picked_up()
    {
        if (Database("GeoIP2-Country-Test.mmdb") is not { } country || Database("GeoIP2-City-Test.mmdb") is not { } city) return;
        var dir = Directory.CreateTempSubdirectory("geoip-reload-");
        try
        {
            var path = Path.Combine(dir.FullName, "geo.mmdb");
            File.Copy(country, path);
            using var geo = new GeoIpLookup(path, checkInterval: TimeSpan.Zero, watch: false);
            Assert.Equal(new GeoLocation("GB", "", ""), geo.Lookup(IPAddress.Parse("81.2.69.142")));

            // Replace the way geoipupdate does: write beside, then rename over (atomic).
            var incoming = Path.Combine(dir.FullName, "geo.mmdb.tmp");
            File.Copy(city, incoming);
            File.Move(incoming, path, overwrite: true);

            Assert.Equal(new GeoLocation("GB", "ENG", "London"), geo.Lookup(IPAddress.Parse("81.2.69.142")));
            Assert.Contains("City", geo.DatabaseType);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_file_watcher_notices_a_replacement_without_waiting_for_the_interval()
    {
        if (Database("GeoIP2-Country-Test.mmdb") is not { } country || Database("GeoIP2-City-Test.mmdb") is not { } city) return;
        var dir = Directory.CreateTempSubdirectory("geoip-watch-");
        try
        {
            var path = Path.Combine(dir.FullName, "geo.mmdb");
            File.Copy(country, path);
            using var geo = new GeoIpLookup(path, checkInterval: TimeSpan.FromHours(1), watch: true);
            Assert.Equal("", geo.Lookup(IPAddress.Parse("81.2.69.142")).City);

            var incoming = Path.Combine(dir.FullName, "geo.mmdb.tmp");
            File.Copy(city, incoming);
            File.Move(incoming, path, overwrite: true);

            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (geo.Lookup(IPAddress.Parse("81.2.69.142")).City == "" && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.Equal("London", geo.Lookup(IPAddress.Parse("81.2.69.142")).City);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
