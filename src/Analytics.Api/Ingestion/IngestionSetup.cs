using System.Net;
using System.Threading.RateLimiting;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using FluentValidation;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestion;

public static class IngestionSetup
{
    public const string CollectRateLimit = "collect";

    public static void AddIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration("Ingestion").ValidateDataAnnotations().ValidateOnStart();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var o = context.Configuration.GetSection("Ingestion").Get<IngestionOptions>() ?? new IngestionOptions();
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(o.MinBodyBytesPerSecond, TimeSpan.FromSeconds(o.BodyRateGraceSeconds));
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(o.RequestHeadersTimeoutSeconds);
        });
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
            limiter.GlobalLimiter = PublicEndpointsInFlight();
            limiter.OnRejected = async (context, ct) =>
            {
                if (context.HttpContext.Items.ContainsKey(ServiceBusy))
                {
                    // The global limiter said no (the per-client one never ran): the service is busy, not this client.
                    var o = context.HttpContext.RequestServices.GetRequiredService<IOptions<IngestionOptions>>().Value;
                    context.HttpContext.Response.Headers.RetryAfter = o.BusyRetryAfterSeconds.ToString();
                    await Problems.Field(StatusCodes.Status503ServiceUnavailable, "Service busy",
                        $"The service has {o.MaxConcurrentRequests} tracker requests in progress; retry later.", "").ExecuteAsync(context.HttpContext);
                    return;
                }
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                await Problems.Field(StatusCodes.Status429TooManyRequests, "Too many requests",
                    "This client sends more requests than the site allows; slow down.", "").ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy<IPAddress>(CollectRateLimit, http =>
            {
                http.Items.Remove(ServiceBusy); // asked only once the global limit let the request in
                var o = http.RequestServices.GetRequiredService<IOptions<IngestionOptions>>().Value;
                if (o.RateLimitPerSecond == 0) return RateLimitPartition.GetNoLimiter(IPAddress.None);
                var client = RateLimitKey(http.Connection.RemoteIpAddress);
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

    /// <summary>
    /// A spooled table beside the events (consents, identity links): its spool as a keyed service under
    /// <paramref name="key"/>, its writer, and metrics named <c>analytics_{key}_…</c> that say what a row is.
    /// </summary>
    public static void AddSpooledTable(this WebApplicationBuilder builder, SpooledTable table, string key, string rows)
    {
        builder.Services.AddKeyedSingleton(key, (sp, _) => OpenSpool(sp, table));
        builder.Services.AddSingleton<IHostedService>(sp =>
        {
            var metrics = sp.GetRequiredService<Observability.Metrics>();
            var spool = sp.GetRequiredKeyedService<Spool>(key);
            metrics.Gauge($"analytics_{key}_spool_rows", $"{rows} spooled and not yet in ClickHouse.", () => spool.PendingRows);
            return NewWriter(sp, table, spool, new SpoolWriterMetrics(
                metrics.Counter($"analytics_{key}_written_total", $"{rows} stored in ClickHouse."),
                metrics.Counter($"analytics_{key}_duplicates_skipped_total", $"Replayed {rows.ToLowerInvariant()} found already stored and not written again."),
                metrics.Counter($"analytics_{key}_insert_failures_total", $"Failed inserts of {rows.ToLowerInvariant()} (retried)."),
                metrics.Counter($"analytics_{key}_dead_lettered_total", $"{rows} set aside in {table.SpoolName}/dead-letter."),
                metrics.Histogram($"analytics_{key}_insert_batch_seconds", $"Time to store one batch of {rows.ToLowerInvariant()}.", [0.001, 0.01, 0.1, 1, 10])));
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
            sp.GetRequiredService<SchemaReady>(), sp.GetRequiredService<ILogger<SpoolWriter>>(), sp.GetKeyedService<ISpoolInsertHook>(table.Name),
            sp.GetService<ISpoolRowFilter>());

    const string ServiceBusy = "analytics.service-busy";

    /// <summary>
    /// A concurrency limit over /api/collect and /api/consent together (<see cref="IngestionOptions.MaxConcurrentRequests"/>),
    /// checked before the per-client limit. A request is marked while it asks, so a refusal can say "busy" (503), not "slow down" (429).
    /// </summary>
    static PartitionedRateLimiter<HttpContext> PublicEndpointsInFlight() => PartitionedRateLimiter.Create<HttpContext, string>(http =>
    {
        var o = http.RequestServices.GetRequiredService<IOptions<IngestionOptions>>().Value;
        var path = http.Request.Path;
        if (o.MaxConcurrentRequests == 0 || !HttpMethods.IsPost(http.Request.Method)
            || !(path.StartsWithSegments("/api/collect") || path.StartsWithSegments("/api/consent")))
            return RateLimitPartition.GetNoLimiter("");
        http.Items[ServiceBusy] = true;
        return RateLimitPartition.GetConcurrencyLimiter("public", _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = o.MaxConcurrentRequests,
            QueueLimit = 0,
        });
    });

    /// <summary>
    /// The rate limit's client: an IPv4 address, or an IPv6 /64. One IPv6 host usually holds a whole /64 (SLAAC,
    /// privacy addresses), so a per-address key would give it 2^64 buckets.
    /// </summary>
    public static IPAddress RateLimitKey(IPAddress? address)
    {
        if (address is null) return IPAddress.None;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    public static void MapIngestion(this WebApplication app)
    {
        app.MapPost("/api/collect", (HttpContext http, CollectEndpoint endpoint) => endpoint.HandleAsync(http))
            .RequireRateLimiting(CollectRateLimit)
            .AllowAnonymous();
        app.MapMethods("/api/collect", ["OPTIONS"], Cors.Preflight).AllowAnonymous();
        app.MapGet("/api/events/recent", RecentEventsEndpoint.Handle).RequireAuthorization(Auth.Roles.Marketer).RequireSiteAccess();
    }
}
