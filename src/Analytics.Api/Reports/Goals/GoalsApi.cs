using System.Text.Json;
using Analytics.Auth;
using Analytics.Shared;
using Analytics.Sites;
using FluentValidation;

namespace Analytics.Reports.Goals;

/// <summary>
/// <c>POST/GET /api/sites/{key}/goals</c> and <c>DELETE /api/sites/{key}/goals/{id}</c>: a site's saved goals, for its
/// marketers and admins (members of the site).
/// </summary>
public static class GoalsApi
{
    public static void MapGoals(this WebApplication app)
    {
        var goals = app.MapGroup("/api/sites/{key}/goals").RequireAuthorization(Roles.Marketer).RequireSiteAccess();
        goals.MapGet("/", async (HttpContext http, GoalStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(http.SiteOf().Id, ct)));
        goals.MapPost("/", Add);
        goals.MapDelete("/{id}", async (string id, HttpContext http, GoalStore store, CancellationToken ct) =>
            await store.RemoveAsync(http.SiteOf().Id, id, ct)
                ? TypedResults.NoContent()
                : Problems.Field(StatusCodes.Status404NotFound, "Unknown goal", $"The site has no goal '{(id.Length <= 60 ? id : id[..60])}'.", "id"));
    }

    static async Task<IResult> Add(HttpContext http, GoalStore store, IValidator<GoalRequest> validator, CancellationToken ct)
    {
        GoalRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<GoalRequest>(ct);
        }
        catch (JsonException e)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid goal", "The body is not a goal: {\"name\", \"type\", \"path\"?, \"event_name\"?} (" + e.Message + ")", BodyField(e.Path));
        }
        catch (InvalidOperationException)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid goal", "Send the goal as application/json.", "body");
        }
        if (request is null) return Problems.Field(StatusCodes.Status400BadRequest, "Invalid goal", "The body is not a goal.", "body");
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return Invalid("Invalid goal", validation.Errors.Select(e => (e.PropertyName, e.ErrorMessage)));
        var site = http.SiteOf();
        if ((await store.ListAsync(site.Id, ct)).Count >= GoalStore.MaxGoalsPerSite)
            return Problems.Field(StatusCodes.Status400BadRequest, "Too many goals", $"A site has at most {GoalStore.MaxGoalsPerSite} goals: delete one first.", "name");
        var goal = await store.AddAsync(site.Id, request, ct);
        return TypedResults.Created($"/api/sites/{site.Key}/goals/{goal.Id}", goal);
    }

    /// <summary>The field a JSON error's path names (<c>$.steps[0].type</c> → <c>steps[0].type</c>), else <c>body</c>.</summary>
    internal static string BodyField(string? path) => path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "body";

    /// <summary>problem+json listing every field at fault, the shape of the report refusals.</summary>
    internal static IResult Invalid(string title, IEnumerable<(string Field, string Message)> errors)
    {
        var list = errors.ToList();
        return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: $"{list[0].Field}: {list[0].Message}",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = list.Select(e => new Dictionary<string, string> { ["field"] = e.Field, ["message"] = e.Message }).ToList(),
            });
    }
}
