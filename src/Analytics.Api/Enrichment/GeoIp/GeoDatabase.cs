using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace Analytics.Enrichment.GeoIp;

/// <summary>One opened mmdb file; what schema it has decides how it is read.</summary>
internal abstract class GeoDatabase : IDisposable
{
    public abstract string DatabaseType { get; }
    public abstract GeoLocation Lookup(IPAddress ip);
    public abstract void Dispose();

    /// <summary>
    /// GeoIP2/GeoLite2 (and DB-IP's own GeoIP2-compatible) City and Country databases go through
    /// <see cref="DatabaseReader"/>; anything else, such as ip-location-db's "country ipvAll" files with a flat
    /// `{country_code}` record that DatabaseReader refuses, through the generic <see cref="Reader"/>.
    /// </summary>
    public static GeoDatabase Open(string path)
    {
        string type;
        using (var probe = new Reader(path, FileAccessMode.MemoryMapped)) type = probe.Metadata.DatabaseType;

        if (type.Contains("City", StringComparison.Ordinal)) return new GeoIp2Database(path, city: true);
        if (type.Contains("Country", StringComparison.Ordinal)) return new GeoIp2Database(path, city: false);
        return new FlatCountryDatabase(path);
    }
}

/// <summary>A GeoIP2/GeoLite2 City or Country database read with MaxMind's typed reader.</summary>
internal sealed class GeoIp2Database(string path, bool city) : GeoDatabase
{
    private readonly DatabaseReader reader = new(path, FileAccessMode.MemoryMapped);

    public override string DatabaseType => reader.Metadata.DatabaseType;

    public override GeoLocation Lookup(IPAddress ip)
    {
        if (city)
        {
            if (!reader.TryCity(ip, out var response) || response is null) return GeoLocation.Unknown;
            var subdivisions = response.Subdivisions;
            return new GeoLocation(
                response.Country.IsoCode ?? response.RegisteredCountry.IsoCode ?? "",
                // The largest subdivision (England, not a county): comparable across countries.
                subdivisions.Count > 0 ? subdivisions[0].IsoCode ?? "" : "",
                response.City.Name ?? "");
        }

        if (!reader.TryCountry(ip, out var country) || country is null) return GeoLocation.Unknown;
        return new GeoLocation(country.Country.IsoCode ?? country.RegisteredCountry.IsoCode ?? "", "", "");
    }

    public override void Dispose() => reader.Dispose();
}

/// <summary>
/// A country database read with the generic mmdb reader: either a flat record `{country_code}` (DB-IP Lite
/// as packaged by ip-location-db) or a GeoIP2-style `{country: {iso_code}}`.
/// </summary>
internal sealed class FlatCountryDatabase(string path) : GeoDatabase
{
    private readonly Reader reader = new(path, FileAccessMode.MemoryMapped);

    public override string DatabaseType => reader.Metadata.DatabaseType;

    public override GeoLocation Lookup(IPAddress ip)
    {
        var record = reader.Find<CountryRecord>(ip);
        var code = record?.CountryCode ?? record?.Country?.IsoCode;
        return string.IsNullOrEmpty(code) ? GeoLocation.Unknown : new GeoLocation(code, "", "");
    }

    public override void Dispose() => reader.Dispose();

    internal sealed class CountryRecord
    {
        [Constructor]
        public CountryRecord([Parameter("country_code")] string? countryCode, [Parameter("country")] NestedCountry? country)
        {
            CountryCode = countryCode;
            Country = country;
        }

        public string? CountryCode { get; }
        public NestedCountry? Country { get; }
    }

    internal sealed class NestedCountry
    {
        [Constructor]
        public NestedCountry([Parameter("iso_code")] string? isoCode) => IsoCode = isoCode;

        public string? IsoCode { get; }
    }
}
