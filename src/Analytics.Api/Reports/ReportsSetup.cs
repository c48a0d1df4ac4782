using Analytics.Auth;
using Analytics.Reports.Filters;
using Analytics.Reports.Pipeline;
using Analytics.Sites;
using FluentValidation;
using Mediator;

namespace Analytics.Reports;

public static class ReportsSetup
{
    /// <summary>
    /// Reports as requests through the source-generated mediator, each through the same behaviours in this order:
    /// site access, validation, timing, cache; then its handler. The mediator serves the reports only.
    /// </summary>
    public static void AddReports(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReportOptions>().BindConfiguration("Reports")
            .Validate(o => o.CacheSeconds >= 0, "Reports:CacheSeconds must be 0 (off) or more.")
            .Validate(o => o.CacheEntries > 0, "Reports:CacheEntries must be positive.")
            .Validate(o => o.DefaultBreakdownRows is > 0 and <= ReportOptions.MaxBreakdownRows, "Reports:DefaultBreakdownRows must be 1 to 1000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReportSql>();
        builder.Services.AddSingleton<ReportMetrics>();
        builder.Services.AddSingleton<ReportAnswerCache>();
        builder.Services.AddSingleton<DataVersion>();
        builder.Services.AddSingleton<IValidator<OverviewReport>, OverviewValidator>();
        builder.Services.AddSingleton<IValidator<BreakdownReport>, BreakdownValidator>();
        builder.Services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.PipelineBehaviors =
            [
                typeof(ReportSiteAccess<,>), typeof(ReportValidation<,>), typeof(ReportTiming<,>), typeof(ReportCaching<,>),
            ];
        });
    }

    /// <summary>
    /// <c>/api/reports/*</c>: marketers and admins, members of the report's site only (the site-access behaviour; the
    /// endpoints carry <see cref="SiteScopedEndpoint"/> so the membership walk in the tests covers them).
    /// </summary>
    public static void MapReports(this WebApplication app)
    {
        app.Services.GetRequiredService<ReportMetrics>(); // the report metrics are on /metrics (at 0) before the first report
        var reports = app.MapGroup("/api/reports").RequireAuthorization(Roles.Marketer).WithMetadata(SiteScopedEndpoint.Instance);
        reports.MapGet("/overview", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new OverviewReport(ReportInput.FromQuery(http.Request.Query), Query(http, "interval"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<OverviewAnswer>(ReportParameter.Interval);
        reports.MapGet("/breakdown", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new BreakdownReport(ReportInput.FromQuery(http.Request.Query), Query(http, "dimension"), Query(http, "limit"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<BreakdownAnswer>(ReportParameter.Dimension, ReportParameter.Limit);
    }

    /// <summary>What a report endpoint answers and reads, for the API description: its JSON or CSV, or a problem; the
    /// shared query parameters and its own.</summary>
    static RouteHandlerBuilder Answers<TAnswer>(this RouteHandlerBuilder endpoint, params ReportParameter[] ownParameters) =>
        ReportParameter.Describe(endpoint, ownParameters)
        .Produces<TAnswer>(StatusCodes.Status200OK, "application/json", "text/csv")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound);

    static string? Query(HttpContext http, string name) => http.Request.Query[name].ToString() is { Length: > 0 } value ? value : null;
}
