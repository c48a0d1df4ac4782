using System.Net;
using MaxMind.Db;

namespace Analytics.Enrichment.GeoIp;

/// <summary>One opened mmdb file, read with MaxMind's generic reader into <see cref="GeoRecord"/>.</summary>
/// <remarks>
/// MaxMind.GeoIP2's <c>DatabaseReader</c> decodes the whole record (every language of every name, location,
/// postal code, traits): 6–10 µs and ~5 KB a lookup measured here (bench/Analytics.Bench), more than the
/// whole per-event budget. Decoding only the stored fields through the same library's <see cref="Reader"/>
/// takes ~1.4 µs and ~280 B, and reads GeoIP2/GeoLite2 City and Country files as well as ip-location-db's
/// DB-IP Lite files (flat `{country_code}`, type "country ipvAll", which DatabaseReader refuses).
/// GeoIpLookupTests checks that the answers equal DatabaseReader's on MaxMind's test databases.
/// </remarks>
internal sealed class GeoDatabase : IDisposable
{
    private readonly Reader reader;

    public GeoDatabase(string path)
    {
        reader = new Reader(path, FileAccessMode.MemoryMapped);
        DatabaseType = reader.Metadata.DatabaseType;
        if (IsFlatCityType(DatabaseType))
        {
            reader.Dispose();
            throw new NotSupportedException(
                $"{path}: database type '{DatabaseType}' (a flat city record) is not supported; use a GeoIP2/GeoLite2 City or Country database or a country database.");
        }
    }

    public string DatabaseType { get; }

    public GeoLocation Lookup(IPAddress ip)
    {
        var record = reader.Find<GeoRecord>(ip);
        if (record is null) return GeoLocation.Unknown;
        var country = record.CountryCode ?? record.Country?.IsoCode ?? record.RegisteredCountry?.IsoCode;
        if (string.IsNullOrEmpty(country)) return GeoLocation.Unknown;
        return new GeoLocation(
            country,
            // The largest subdivision (England, not a county): comparable across countries.
            record.Subdivisions is [var first, ..] ? first.IsoCode ?? "" : "",
            record.City?.Names?.English ?? "");
    }

    public void Dispose() => reader.Dispose();

    // ip-location-db's "city ipvAll"-style files store `city` as a plain string, not the GeoIP2 map.
    private static bool IsFlatCityType(string type) => type.StartsWith("city", StringComparison.Ordinal);
}
