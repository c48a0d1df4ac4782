using Analytics.Auth;
using Analytics.Crm.Value;
using Analytics.Crm.Surveys;
using Analytics.Reports.Filters;
using Analytics.Reports.Funnel;
using Analytics.Reports.Goals;
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
        builder.Services.AddReportFunnelAndGoals();
        builder.Services.AddSingleton<SessionPages>();
        builder.Services.AddSingleton<IValidator<TransitionsReport>, TransitionsValidator>();
        builder.Services.AddSingleton<IValidator<PathsReport>, PathsValidator>();
        builder.Services.AddSingleton<IValidator<JourneysReport>, JourneysValidator>();
        builder.Services.AddSingleton<IValidator<RetentionReport>, RetentionValidator>();
        builder.Services.AddSingleton<IValidator<FormsReport>, FormsValidator>();
        builder.Services.AddSingleton<IValidator<AbcReport>, AbcValidator>();
        builder.Services.AddSingleton<IValidator<RealtimeReport>, RealtimeValidator>();
        builder.Services.AddCustomerValue();
        Analytics.Crm.Rfm.RfmSetup.AddRfmReport(builder.Services);
        Analytics.Crm.Affinity.AffinitySetup.AddAffinityReport(builder.Services);
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
        ReportSql.AbcThresholds = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Analytics.Customers.CustomerOptions>>().Value;
        var reports = app.MapGroup("/api/reports").RequireAuthorization(Roles.Marketer).WithMetadata(SiteScopedEndpoint.Instance);
        reports.MapGet("/overview", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new OverviewReport(ReportInput.FromQuery(http.Request.Query), Query(http, "interval"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<OverviewAnswer>(ReportParameter.Interval);
        reports.MapGet("/breakdown", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new BreakdownReport(ReportInput.FromQuery(http.Request.Query), Query(http, "dimension"), Query(http, "limit"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<BreakdownAnswer>(ReportParameter.Dimension, ReportParameter.Limit);
        reports.MapFunnelAndGoals();
        app.MapGoals();
        reports.MapGet("/transitions", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new TransitionsReport(ReportInput.FromQuery(http.Request.Query), Query(http, "page"), Query(http, "limit"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<TransitionsAnswer>(ReportParameter.Page, ReportParameter.Rows);
        reports.MapGet("/paths", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new PathsReport(ReportInput.FromQuery(http.Request.Query), Query(http, "from_page"), Query(http, "to_page"),
                Query(http, "depth"), Query(http, "limit"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<PathsAnswer>(ReportParameter.FromPage, ReportParameter.ToPage, ReportParameter.Depth, ReportParameter.Limit);
        reports.MapGet("/journeys", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new JourneysReport(ReportInput.FromQuery(http.Request.Query), Query(http, "limit"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<JourneysAnswer>(ReportParameter.Rows);
        reports.MapGet("/retention", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new RetentionReport(ReportInput.FromQuery(http.Request.Query), Query(http, "cohort"), Query(http, "period"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<RetentionAnswer>(ReportParameter.Cohort, ReportParameter.Period);
        reports.MapGet("/forms", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new FormsReport(ReportInput.FromQuery(http.Request.Query), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<FormsAnswer>();
        reports.MapGet("/abc", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new AbcReport(ReportInput.FromQuery(http.Request.Query), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<AbcAnswer>();
        reports.MapGet("/realtime", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new RealtimeReport(ReportInput.FromQuery(http.Request.Query), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<RealtimeAnswer>();
        reports.MapCustomerValue(app);
        reports.MapSurveys();
        Analytics.Crm.Rfm.RfmSetup.MapRfmReport(reports, app);
        Analytics.Crm.Affinity.AffinitySetup.MapAffinityReport(reports);
    }

    /// <summary>What a report endpoint answers and reads, for the API description: its JSON or CSV, or a problem; the
    /// shared query parameters and its own.</summary>
    internal static RouteHandlerBuilder Answers<TAnswer>(this RouteHandlerBuilder endpoint, params ReportParameter[] ownParameters) =>
        ReportParameter.Describe(endpoint, ownParameters)
        .Produces<TAnswer>(StatusCodes.Status200OK, "application/json", "text/csv")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound);

    internal static string? Query(HttpContext http, string name) => http.Request.Query[name].ToString() is { Length: > 0 } value ? value : null;
}
