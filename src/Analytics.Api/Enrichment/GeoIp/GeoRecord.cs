using MaxMind.Db;

namespace Analytics.Enrichment.GeoIp;

/// <summary>The few fields of an mmdb record that enrichment stores; every other key is skipped unread.</summary>
internal sealed class GeoRecord
{
    [Constructor]
    public GeoRecord(
        [MapKey("country_code")] string? countryCode,           // DB-IP Lite via ip-location-db
        [MapKey("country")] IsoCoded? country,                   // GeoIP2 / GeoLite2
        [MapKey("registered_country")] IsoCoded? registeredCountry,
        [MapKey("subdivisions")] List<IsoCoded>? subdivisions,
        [MapKey("city")] Named? city)
    {
        CountryCode = countryCode;
        Country = country;
        RegisteredCountry = registeredCountry;
        Subdivisions = subdivisions;
        City = city;
    }

    public string? CountryCode { get; }
    public IsoCoded? Country { get; }
    public IsoCoded? RegisteredCountry { get; }
    public List<IsoCoded>? Subdivisions { get; }
    public Named? City { get; }

    internal sealed class IsoCoded
    {
        [Constructor]
        public IsoCoded([MapKey("iso_code")] string? isoCode) => IsoCode = isoCode;

        public string? IsoCode { get; }
    }

    internal sealed class Named
    {
        [Constructor]
        public Named([MapKey("names")] Names? names) => Names = names;

        public Names? Names { get; }
    }

    internal sealed class Names
    {
        [Constructor]
        public Names([MapKey("en")] string? english) => English = english;

        public string? English { get; }
    }
}
