namespace Analytics.Enrichment.GeoIp;

/// <summary>Where an IP address is, as stored: ISO country code, subdivision ISO code, city name; "" when unknown.</summary>
public sealed record GeoLocation(string Country, string Region, string City)
{
    public static readonly GeoLocation Unknown = new("", "", "");
}
