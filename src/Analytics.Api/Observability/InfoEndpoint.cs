using Analytics.Enrichment.GeoIp;
using Analytics.Storage;

namespace Analytics.Observability;

/// <summary>
/// GET /api/info (any signed-in user): what this installation runs on — engine, GeoIP database and the
/// attribution its licence requires (DB-IP Lite: "IP Geolocation by DB-IP" with a link, shown by the dashboard).
/// </summary>
public static class InfoEndpoint
{
    public static IResult Handle(IClickHouse clickHouse, GeoIpLookup geo) => TypedResults.Ok(new
    {
        version = typeof(InfoEndpoint).Assembly.GetName().Version?.ToString(),
        engine = clickHouse.Engine,
        database = clickHouse.Database,
        geoip = new
        {
            configured = geo.IsConfigured,
            database_type = geo.DatabaseType,
            attribution = geo.Attribution,
            attribution_url = geo.UsesDbIp ? "https://db-ip.com" : null,
        },
    });
}
