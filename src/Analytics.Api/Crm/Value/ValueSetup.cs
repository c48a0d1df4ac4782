using Analytics.Auth;
using Analytics.Crm.Costs;
using Analytics.Reports;
using Analytics.Reports.Filters;
using Analytics.Sites;
using FluentValidation;
using Mediator;

namespace Analytics.Crm.Value;

/// <summary>Customer value with costs and purchase frequency (docs/crm-analytics.md): the cost import and the two reports.</summary>
public static class ValueSetup
{
    public static void AddCustomerValue(this IServiceCollection services)
    {
        services.AddSingleton<IValidator<ValueReport>, ValueValidator>();
        services.AddSingleton<IValidator<FrequencyReport>, FrequencyValidator>();
        services.AddSingleton<CustomerValueReader>();
        services.AddSingleton<FirstTouchSnapshots>();
    }

    /// <summary>The reports on the reports group; <c>POST /api/costs?site=KEY</c> (marketers and admins, members of the site).</summary>
    public static void MapCustomerValue(this RouteGroupBuilder reports, IEndpointRouteBuilder app)
    {
        reports.MapGet("/value", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new ValueReport(ReportInput.FromQuery(http.Request.Query), ReportsSetup.Query(http, "group_by"),
                ReportsSetup.Query(http, "sort"), ReportsSetup.Query(http, "order"), ReportsSetup.Query(http, "limit"), ReportsSetup.Query(http, "page"),
                http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<ValueAnswer>(GroupBy, Sort, Order, Limit, Page);
        reports.MapGet("/frequency", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new FrequencyReport(ReportInput.FromQuery(http.Request.Query), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<FrequencyAnswer>();
        app.MapPost("/api/costs", (HttpContext http, CrmImport import) => import.HandleAsync(http, CostsEntity.Instance, "day"))
            .RequireSiteAccess().RequireAuthorization(Roles.Marketer);
    }

    static readonly ReportParameter GroupBy = new("group_by", "Sum the customers per A/B/C class, first-touch channel or (channel, campaign); absent: one row per customer.",
        Values: ["class", "channel", "campaign"]);
    static readonly ReportParameter Sort = new("sort", "The figure the customers are sorted by (ties by customer id). Default contribution_margin.",
        Values: [.. ValueReport.SortFields]);
    static readonly ReportParameter Order = new("order", "desc (default; asc for customer_id and first_order) or asc.", Values: ["asc", "desc"]);
    static readonly ReportParameter Limit = new("limit", "Customers per page: 1 to 1 000, default 100.");
    static readonly ReportParameter Page = new("page", "The page of customers, from 1.");
}
