using Analytics.Auth.SignIn;
using Analytics.Ingestion;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;

namespace Analytics.Shared;

/// <summary>What every endpoint shares: the listening address, problem+json for every error, auth and rate limits.</summary>
public static class HostingSetup
{
    public static void AddHosting(this WebApplicationBuilder builder)
    {
        if (builder.Configuration["ANALYTICS_URLS"] is { Length: > 0 } urls) builder.WebHost.UseUrls(urls);
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        builder.Services.AddProblemDetails();
        builder.Services.AddApiDocument();
        builder.Services.Configure<ForwardedHeadersOptions>(o => TrustedProxies.Configure(o, builder.Configuration["ANALYTICS_TRUSTED_PROXIES"]));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
    }

    public static void UseHosting(this WebApplication app)
    {
        // Behind a reverse proxy the client address comes from X-Forwarded-For, but only from proxies named in
        // ANALYTICS_TRUSTED_PROXIES: anyone else could claim any address and skew GeoIP and visitor hashes.
        app.UseForwardedHeaders();
        app.UseTrackerCors();
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusFor });
        app.UseStatusCodePages();
        // The tracker's endpoints are anonymous by design: they skip the token lookup, the hottest path stays short.
        app.UseWhen(http => !Cors.IsTrackerPath(http.Request.Path), branch =>
        {
            branch.UseAuthentication();
            branch.UseCookieCsrfCheck();
        });
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapApiDocument();
    }

    /// <summary>Bad input that slipped past a handler is the client's fault (400), a storage outage or disk error is 503; only bugs are 500.</summary>
    static int StatusFor(Exception e) => e switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        System.Text.Json.JsonException => StatusCodes.Status400BadRequest,
        _ when Storage.StorageUnavailable.Matches(e) => StatusCodes.Status503ServiceUnavailable, // Retry-After: StorageUnavailable
        _ => StatusCodes.Status500InternalServerError,
    };
}
