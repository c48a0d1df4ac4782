using Analytics.Auth;
using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Observability;

public static class ObservabilityApi
{
    public static void AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Metrics>();
    }

    /// <summary>
    /// /healthz: the process answers. /readyz: schema applied and ClickHouse answering (the reason of a failure only
    /// for admins). /metrics: Prometheus, for a metrics or admin token.
    /// </summary>
    public static void MapObservability(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<Metrics>();
        var spool = app.Services.GetRequiredService<Spool>();
        var clickHouse = app.Services.GetRequiredService<IClickHouse>();
        metrics.Gauge("analytics_spool_rows", "Events spooled and not yet in ClickHouse (the queue depth).", () => spool.PendingRows);
        metrics.Gauge("analytics_spool_bytes", "Bytes of the spool not yet in ClickHouse.", () => spool.PendingBytes);
        metrics.Gauge("analytics_spool_capacity_bytes", "Spool size at which collect answers 503.", () => spool.MaxBytes);
        metrics.Gauge($"analytics_engine_info{{engine=\"{clickHouse.Engine}\"}}", "The storage engine in use.", () => 1);

        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous();
        app.MapGet("/readyz", Ready).AllowAnonymous();
        app.MapGet("/api/info", InfoEndpoint.Handle).RequireAuthorization(Roles.AnyUser);
        app.MapGet("/metrics", () => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4")).RequireAuthorization(Roles.Metrics);
    }

    static async Task<IResult> Ready(HttpContext http, IClickHouse clickHouse, SchemaReady schema, Spool spool, CancellationToken ct)
    {
        var engineOk = false;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await clickHouse.PingAsync(timeout.Token);
            engineOk = true;
        }
        catch (Exception e) when (e is ClickHouseException or OperationCanceledException)
        {
            error = e.Message;
        }
        // An error names hosts, ports and statements: anonymous callers learn only that the service is not ready.
        if (!http.User.IsInRole(Roles.Admin)) error = null;
        var body = new { engine = clickHouse.Engine, schema = schema.IsReady, clickhouse = engineOk, spool_rows = spool.PendingRows, error };
        return schema.IsReady && engineOk ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
