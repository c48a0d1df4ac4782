using Analytics.Ingestion;
using Analytics.Reports;
using Analytics.Reports.Filters;
using FluentValidation;
using Mediator;

namespace Analytics.Crm.Surveys;

/// <summary>Surveys and ratings (issue 19): the free-text spool and its writer, the report's validator and endpoint.</summary>
public static class SurveysSetup
{
    public static void AddSurveys(this WebApplicationBuilder builder)
    {
        builder.AddSpooledTable(SurveyTexts.Definition, SurveyTexts.SpoolKey, "Survey texts");
        builder.Services.AddSingleton<SurveyTexts>();
        builder.Services.AddSingleton<IValidator<SurveysReport>, SurveysValidator>();
    }

    /// <summary><c>GET /api/reports/surveys</c> on the reports' group (roles and site membership from there).</summary>
    public static void MapSurveys(this RouteGroupBuilder reports) =>
        reports.MapGet("/surveys", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new SurveysReport(ReportInput.FromQuery(http.Request.Query), ReportsSetup.Query(http, "interval"), http.User,
                DateTimeOffset.UtcNow), mediator, ct))
            .Answers<SurveysAnswer>(ReportParameter.Interval);
}
