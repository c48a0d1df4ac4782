using System.Text.Json.Serialization;
using Analytics.Auth;
using Analytics.Reports.Funnel;
using Analytics.Storage;
using FluentValidation;

namespace Analytics.Reports.Goals;

/// <summary>
/// A saved goal of a site: a pageview of a path (exact or a pattern with <c>*</c>), or an event by name (a custom event's
/// name, or an event type such as <c>add_to_cart</c> or <c>purchase</c>). <see cref="Path"/> and <see cref="EventName"/>
/// are null where the type has none.
/// </summary>
public sealed record Goal(string Id, string Name, string Type, string? Path, string? EventName, DateTimeOffset CreatedAt)
{
    public const string Pageview = "pageview";
    public const string Event = "event";

    /// <summary>SQL over <c>type</c>, <c>path</c> and <c>name</c> that is 1 for an event reaching the goal.</summary>
    public Sql Matches() => Type == Pageview
        ? Sql.Query($"(type = 'pageview' AND {PathPattern.Matches(Path!)})")
        : Sql.Query($"(type != 'pageview' AND (name = {EventName} OR type = {EventName}))");
}

/// <summary>The body of <c>POST /api/sites/{key}/goals</c>.</summary>
public sealed record GoalRequest(string? Name, string? Type, string? Path, string? EventName);

public sealed class GoalRequestValidator : AbstractValidator<GoalRequest>
{
    public GoalRequestValidator()
    {
        RuleFor(g => g.Name).NotEmpty().MaximumLength(200).OverridePropertyName("name").WithMessage("Name the goal (1 to 200 characters).");
        RuleFor(g => g.Type).Must(t => t is Goal.Pageview or Goal.Event).OverridePropertyName("type").WithMessage("type is pageview or event.");
        When(g => g.Type == Goal.Pageview, () =>
        {
            RuleFor(g => g.Path).NotEmpty().MaximumLength(PathPattern.MaxLength).OverridePropertyName("path")
                .WithMessage($"A pageview goal names its path: exact (/thanks) or a pattern with * (/blog/*), at most {PathPattern.MaxLength} characters.");
            RuleFor(g => g.EventName).Null().OverridePropertyName("event_name").WithMessage("A pageview goal has no event_name.");
        });
        When(g => g.Type == Goal.Event, () =>
        {
            RuleFor(g => g.EventName).NotEmpty().MaximumLength(200).OverridePropertyName("event_name")
                .WithMessage("An event goal names its event: a custom event's name or an event type such as add_to_cart (at most 200 characters).");
            RuleFor(g => g.Path).Null().OverridePropertyName("path").WithMessage("An event goal has no path.");
        });
    }
}

/// <summary>
/// The goals of every site in ClickHouse (<c>goals</c>, migration 0012). Read from storage on each use (a few rows per
/// site), so a change made through any instance is seen at once.
/// </summary>
public sealed class GoalStore(IClickHouse clickHouse)
{
    public const int MaxGoalsPerSite = 100;

    public async Task<List<Goal>> ListAsync(string siteId, CancellationToken ct) =>
        (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT goal_id, name, type, path, event_name, toUInt64(created_at) AS created_at
            FROM goals FINAL
            WHERE site_id = {siteId} AND removed = 0
            ORDER BY created_at, goal_id
            """), GoalJson.Default.GoalRow, ct))
        .Select(r => new Goal(r.GoalId, r.Name, r.Type, r.Type == Goal.Pageview ? r.Path : null, r.Type == Goal.Event ? r.EventName : null,
            DateTimeOffset.FromUnixTimeSeconds(r.CreatedAt)))
        .ToList();

    public async Task<Goal> AddAsync(string siteId, GoalRequest request, CancellationToken ct)
    {
        var goal = new Goal(Guid.CreateVersion7().ToString("N"), request.Name!.Trim(), request.Type!, request.Path, request.EventName,
            DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await WriteAsync(siteId, goal, removed: false, ct);
        return goal;
    }

    /// <summary>Removes a goal; false when the site has no such goal.</summary>
    public async Task<bool> RemoveAsync(string siteId, string goalId, CancellationToken ct)
    {
        if ((await ListAsync(siteId, ct)).FirstOrDefault(g => g.Id == goalId) is not { } goal) return false;
        await WriteAsync(siteId, goal, removed: true, ct);
        return true;
    }

    Task WriteAsync(string siteId, Goal goal, bool removed, CancellationToken ct) => clickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO goals (site_id, goal_id, name, type, path, event_name, created_at, removed, version)
        VALUES ({siteId}, {goal.Id}, {goal.Name}, {goal.Type}, {goal.Path ?? ""}, {goal.EventName ?? ""}, {goal.CreatedAt}, {(removed ? 1 : 0)}, {ChangeVersion.Next()})
        """), ct);
}

public sealed record GoalRow(string GoalId, string Name, string Type, string Path, string EventName, long CreatedAt);

[JsonSerializable(typeof(GoalRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class GoalJson : JsonSerializerContext;
