using System.Net;
using System.Threading.RateLimiting;
using Analytics.Shared;
using Analytics.Storage;
using FluentValidation;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestion;

public static class IngestionSetup
{
    public const string CollectRateLimit = "collect";

    public static void AddIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration("Ingestion").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IngestionMetrics>();
        builder.Services.AddSingleton<IValidator<RawEvent>, RawEventValidator>();
        builder.Services.AddSingleton<EventPipeline>();
        builder.Services.AddSingleton<CollectEndpoint>();
        builder.Services.AddSingleton<OpenSpools>();
        builder.Services.AddSingleton(sp => OpenSpool(sp, EventColumns.Definition));
        builder.Services.AddHostedService<SpoolFsync>();
        builder.Services.AddSingleton<IHostedService>(sp => NewWriter(sp, EventColumns.Definition, sp.GetRequiredService<Spool>(),
            sp.GetRequiredService<IngestionMetrics>().Writer));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                await Problems.Field(StatusCodes.Status429TooManyRequests, "Too many requests",
                    "This client sends more requests than the site allows; slow down.", "").ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy<IPAddress>(CollectRateLimit, http =>
            {
                var o = http.RequestServices.GetRequiredService<IOptions<IngestionOptions>>().Value;
                if (o.RateLimitPerSecond == 0) return RateLimitPartition.GetNoLimiter(IPAddress.None);
                var client = http.Connection.RemoteIpAddress ?? IPAddress.None;
                return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = o.RateLimitBurst,
                    TokensPerPeriod = o.RateLimitPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
        });
    }

    /// <summary>The spool of a spooled table, in its own directory of the data directory.</summary>
    public static Spool OpenSpool(IServiceProvider sp, SpooledTable table)
    {
        var o = sp.GetRequiredService<IOptions<IngestionOptions>>().Value;
        var dataDir = sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir;
        var spool = new Spool(Path.Combine(dataDir, table.SpoolName), o.SpoolMaxBytes, o.SpoolSegmentBytes, sp.GetRequiredService<ILogger<Spool>>(), table.CurrentLayout);
        sp.GetRequiredService<OpenSpools>().Add(spool);
        return spool;
    }

    /// <summary>A writer per spooled table; registered as IHostedService directly, since AddHostedService keeps one per type.</summary>
    public static SpoolWriter NewWriter(IServiceProvider sp, SpooledTable table, Spool spool, SpoolWriterMetrics metrics) =>
        new(table, spool, sp.GetRequiredService<IClickHouse>(), metrics, sp.GetRequiredService<IOptions<IngestionOptions>>().Value,
            sp.GetRequiredService<SchemaReady>(), sp.GetRequiredService<ILogger<SpoolWriter>>());

    public static void MapIngestion(this WebApplication app)
    {
        app.MapPost("/api/collect", (HttpContext http, CollectEndpoint endpoint) => endpoint.HandleAsync(http))
            .RequireRateLimiting(CollectRateLimit)
            .AllowAnonymous();
        app.MapMethods("/api/collect", ["OPTIONS"], Cors.Preflight).AllowAnonymous();
        app.MapGet("/api/events/recent", RecentEventsEndpoint.Handle).RequireAuthorization(Auth.Roles.Admin);
    }
}
