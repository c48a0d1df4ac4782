using Analytics.Auth;
using Analytics.Sites;

namespace Analytics.Import;

/// <summary>History from outside the tracker, through the collect pipeline: NDJSON events and web-server access logs (marketer, member of the site).</summary>
public static class ImportApi
{
    public static void AddImport(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EventsImport>();
        builder.Services.AddSingleton<AccessLogImport>();
    }

    public static void MapImport(this WebApplication app)
    {
        var import = app.MapGroup("/api/import").RequireAuthorization(Roles.Marketer).RequireSiteAccess();
        import.MapPost("/events", (HttpContext http, EventsImport endpoint) => endpoint.HandleAsync(http));
        import.MapPost("/access-log", (HttpContext http, AccessLogImport endpoint) => endpoint.HandleAsync(http));
    }
}
