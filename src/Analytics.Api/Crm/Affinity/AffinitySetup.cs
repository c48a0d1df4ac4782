using Analytics.Reports;
using Analytics.Reports.Filters;
using FluentValidation;
using Mediator;

namespace Analytics.Crm.Affinity;

/// <summary>The affinity report's registration: one line each in <see cref="ReportsSetup"/>.</summary>
public static class AffinitySetup
{
    public static readonly ReportParameter Sku = new("sku", "The product (SKU, or a product_view's id): what is bought with it and after viewing it. Without it: the top pairs by lift.");
    public static readonly ReportParameter MinSupport = new("min_support", "Least share of baskets (sessions) holding a pair, 0 to 1; default 0.01 without sku, 0 with one.");
    public static readonly ReportParameter Limit = new("limit", "Rows per list: 1 to 1 000, default 20.");

    public static void AddAffinityReport(this IServiceCollection services)
    {
        services.AddSingleton<IValidator<AffinityReport>, AffinityValidator>();
        services.AddSingleton<CustomerRecommendations>();
    }

    public static void MapAffinityReport(this RouteGroupBuilder reports) =>
        reports.MapGet("/affinity", (HttpContext http, IMediator mediator, CancellationToken ct) =>
            ReportEndpoint.SendAsync(http, new AffinityReport(ReportInput.FromQuery(http.Request.Query), ReportsSetup.Query(http, "sku"),
                ReportsSetup.Query(http, "min_support"), ReportsSetup.Query(http, "limit"), http.User, DateTimeOffset.UtcNow), mediator, ct))
            .Answers<AffinityAnswer>(Sku, MinSupport, Limit);
}
