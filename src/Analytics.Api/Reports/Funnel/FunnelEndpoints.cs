using System.Text.Json;
using Analytics.Reports.Filters;
using Analytics.Reports.Goals;
using Analytics.Sites;
using FluentValidation;
using Mediator;

namespace Analytics.Reports.Funnel;

/// <summary>The funnel and goals reports and the goal store, registered and mapped by <see cref="ReportsSetup"/>.</summary>
public static class FunnelEndpoints
{
    public static void AddReportFunnelAndGoals(this IServiceCollection services)
    {
        services.AddOptions<FunnelOptions>().BindConfiguration("Reports:Funnel")
            .Validate(o => o.WindowSeconds is >= 1 and <= FunnelReport.MaxWindowSeconds, "Reports:Funnel:WindowSeconds must be 1 to 90 days in seconds.")
            .ValidateOnStart();
        services.AddSingleton<IValidator<FunnelReport>, FunnelValidator>();
        services.AddSingleton<IValidator<GoalsReport>, GoalsValidator>();
        services.AddSingleton<IValidator<GoalRequest>, GoalRequestValidator>();
        services.AddSingleton<GoalStore>();
    }

    public static void MapFunnelAndGoals(this RouteGroupBuilder reports)
    {
        reports.MapPost("/funnel", Funnel).Accepts<FunnelBody>("application/json").Answers<FunnelAnswer>();
        reports.MapGet("/goals", async (HttpContext http, IMediator mediator, SiteStore sites, GoalStore goals, CancellationToken ct) =>
        {
            var input = ReportInput.FromQuery(http.Request.Query);
            // The goals are read before the site-access behaviour: nothing of them is answered unless it lets the request through.
            var saved = input.Site is { } key && sites.FindByKey(key) is { } site ? await goals.ListAsync(site.Id, ct) : [];
            return await ReportEndpoint.SendAsync(http, new GoalsReport(input, saved, http.User, DateTimeOffset.UtcNow), mediator, ct);
        }).Answers<GoalsAnswer>();
    }

    static async Task<IResult> Funnel(HttpContext http, IMediator mediator, CancellationToken ct)
    {
        FunnelBody? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<FunnelBody>(ct);
        }
        catch (JsonException e)
        {
            return GoalsApi.Invalid("Invalid report parameters", [(GoalsApi.BodyField(e.Path), "The body is not a funnel request: " + e.Message)]);
        }
        catch (InvalidOperationException)
        {
            return GoalsApi.Invalid("Invalid report parameters", [("body", "Send the funnel request as application/json.")]);
        }
        if (body is null) return GoalsApi.Invalid("Invalid report parameters", [("body", "The body is not a funnel request.")]);
        return await ReportEndpoint.SendAsync(http, FunnelReport.From(body, http.Request.Query, http.User, DateTimeOffset.UtcNow), mediator, ct);
    }
}
