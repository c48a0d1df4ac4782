using System.Net;
using Analytics.Enrichment.GeoIp;
using Analytics.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

/// <summary>GeoIP against MaxMind's own test databases (real GeoIP2/GeoLite2 schema), kept in TestData/maxmind.</summary>
public class GeoIpLookupTests(ITestOutputHelper output)
{
    private string Database(string name) => SharedData.Require($"maxmind/{name}", output);

    [Theory]
    [InlineData("GeoIP2-City-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    public void City_databases_give_country_region_and_city(string name)
    {
        var path = Database(name);
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
        var path = Database(name);
        using var geo = new GeoIpLookup(path, watch: false);

        Assert.Equal(new GeoLocation("GB", "", ""), geo.Lookup(IPAddress.Parse("81.2.69.142")));
        Assert.Equal(new GeoLocation("US", "", ""), geo.Lookup(IPAddress.Parse("216.160.83.56")));
        Assert.Equal(new GeoLocation("JP", "", ""), geo.Lookup(IPAddress.Parse("2001:218::1")));
    }

    [Fact]
    public void Private_loopback_and_unlisted_addresses_are_unknown()
    {
        var path = Database("GeoIP2-City-Test.mmdb");
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
    /// Our lookups decode only the stored fields through MaxMind.Db's generic Reader (the path that also reads
    /// ip-location-db's DB-IP files, which DatabaseReader refuses). Here every network of MaxMind's test
    /// databases is looked up both ways and must give what MaxMind.GeoIP2's DatabaseReader gives.
    /// </summary>
    [Theory]
    [InlineData("GeoIP2-City-Test.mmdb", true)]
    [InlineData("GeoLite2-City-Test.mmdb", true)]
    [InlineData("GeoIP2-Country-Test.mmdb", false)]
    [InlineData("GeoLite2-Country-Test.mmdb", false)]
    public void Generic_reader_answers_equal_MaxMinds_DatabaseReader(string name, bool city)
    {
        var path = Database(name);
        var json = SharedData.Require("maxmind/GeoIP2-City-Test.json", output);
        using var ours = new GeoDatabase(path);
        using var theirs = new MaxMind.GeoIP2.DatabaseReader(path, MaxMind.Db.FileAccessMode.MemoryMapped);

        var compared = 0;
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        foreach (var entry in doc.RootElement.EnumerateArray())
        foreach (var network in entry.EnumerateObject())
        {
            var ip = IPAddress.Parse(network.Name[..network.Name.IndexOf('/')]);
            GeoLocation expected;
            if (city)
                expected = theirs.TryCity(ip, out var c) && c is not null
                    ? new GeoLocation(c.Country.IsoCode ?? c.RegisteredCountry.IsoCode ?? "",
                        c.Subdivisions.Count > 0 ? c.Subdivisions[0].IsoCode ?? "" : "", c.City.Name ?? "")
                    : GeoLocation.Unknown;
            else
                expected = theirs.TryCountry(ip, out var c) && c is not null
                    ? new GeoLocation(c.Country.IsoCode ?? c.RegisteredCountry.IsoCode ?? "", "", "")
                    : GeoLocation.Unknown;
            if (expected.Country == "") expected = GeoLocation.Unknown;
            Assert.Equal(expected, ours.Lookup(ip));
            compared++;
        }
        output.WriteLine($"{name}: {compared} networks agree with DatabaseReader");
        Assert.True(compared > 100);
    }

    [Fact]
    public void A_dbip_file_name_requires_the_attribution()
    {
        var source = Database("GeoLite2-Country-Test.mmdb");
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
        var country = Database("GeoIP2-Country-Test.mmdb");
        var city = Database("GeoIP2-City-Test.mmdb");
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
        var country = Database("GeoIP2-Country-Test.mmdb");
        var city = Database("GeoIP2-City-Test.mmdb");
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

            Eventually.Until(() => geo.Lookup(IPAddress.Parse("81.2.69.142")).City != "", TimeSpan.FromSeconds(10),
                "the watcher to load the replaced (City) database");
            Assert.Equal("London", geo.Lookup(IPAddress.Parse("81.2.69.142")).City);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
