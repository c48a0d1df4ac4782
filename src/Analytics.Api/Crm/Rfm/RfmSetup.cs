using Analytics.Crm.Segments;
using Analytics.Reports;
using FluentValidation;
using Mediator;

namespace Analytics.Crm.Rfm;

/// <summary>The RFM report's registration (one line in <see cref="ReportsSetup.AddReports"/>) and route (one line in <see cref="ReportsSetup.MapReports"/>).</summary>
public static class RfmSetup
{
    /// <summary>The report's validator, and the segments' services (Crm/Segments) with it.</summary>
    public static void AddRfmReport(this IServiceCollection services)
    {
        services.AddSingleton<IValidator<RfmReport>, RfmValidator>();
        services.AddSegments();
    }

    /// <summary>Maps <c>/rfm</c> on the reports group (marketers and admins, site members), and the segments' routes.</summary>
    public static void MapRfmReport(this RouteGroupBuilder reports, IEndpointRouteBuilder app)
    {
        app.MapSegments();
        reports.MapGet("/rfm", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new RfmReport(Reports.Filters.ReportInput.FromQuery(http.Request.Query), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<RfmAnswer>();
    }
}
