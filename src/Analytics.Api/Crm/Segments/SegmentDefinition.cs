using System.Text.Json.Serialization;
using Analytics.Crm.Rfm;
using Analytics.Reports.Filters;
using Analytics.Reports.Funnel;

namespace Analytics.Crm.Segments;

/// <summary>
/// The body of <c>POST/PUT /api/sites/{key}/segments</c> (snake_case). Every filter narrows the segment; no filter at all
/// holds every customer of the site. <see cref="PeriodDays"/> is the window (ending at the time of the evaluation) of
/// the event filters, the class, the RFM segment and the funnel.
/// </summary>
public sealed record SegmentBody(string? Name, int? PeriodDays, SegmentFilters? Filters, SegmentWebhookBody? Webhook);

/// <summary>
/// The filter kinds: <see cref="Events"/> the reports' filter strings (the customer is the person of an event in the
/// period matching all of them); <see cref="Class"/> A/B/C in the period (an unranked customer is C);
/// <see cref="RfmSegment"/> the RFM segment in the period; <see cref="LastSeen"/> the latest event of a linked device;
/// <see cref="DroppedAt"/> reached funnel step k in the period but not step k + 1.
/// </summary>
public sealed record SegmentFilters(
    List<string>? Events, List<string>? Class, List<string>? RfmSegment, LastSeenFilter? LastSeen, DroppedAtFilter? DroppedAt);

/// <summary>Last seen before and/or after an instant, and/or within the last days (all given must hold).</summary>
public sealed record LastSeenFilter(DateTimeOffset? Before, DateTimeOffset? After, int? WithinDays);

/// <summary>A funnel as in <c>POST /api/reports/funnel</c> and the step <see cref="Step"/> k: reached k, not k + 1.</summary>
public sealed record DroppedAtFilter(List<FunnelStep?>? Steps, long? WindowSeconds, int? Step);

/// <summary>The webhook as sent; the secret is write-only.</summary>
public sealed record SegmentWebhookBody(string? Url, string? Secret);

/// <summary>A saved segment as answered: the webhook without its secret.</summary>
public sealed record Segment(string Id, string Name, int PeriodDays, SegmentFilters Filters, SegmentWebhook? Webhook, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SegmentWebhook(string Url, bool HasSecret);

/// <summary>What the <c>definition</c> column holds.</summary>
public sealed record StoredDefinition(int PeriodDays, SegmentFilters Filters);

public static class SegmentRules
{
    public const int DefaultPeriodDays = 365, MaxPeriodDays = 3660, MaxNameLength = 200, MinSecretLength = 16, MaxSegmentsPerSite = 200;
    public static readonly IReadOnlyList<string> Classes = ["A", "B", "C"];

    /// <summary>Every problem of a body, by field (empty: valid).</summary>
    public static List<(string Field, string Message)> Problems(SegmentBody body)
    {
        var problems = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(body.Name)) problems.Add(("name", "Name the segment."));
        else if (body.Name.Length > MaxNameLength) problems.Add(("name", $"At most {MaxNameLength} characters."));
        if (body.PeriodDays is < 1 or > MaxPeriodDays) problems.Add(("period_days", $"A whole number of days, 1 to {MaxPeriodDays}."));
        if (body.Filters is { } f) FilterProblems(f, problems);
        if (body.Webhook is { } w)
        {
            if (!Uri.TryCreate(w.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                problems.Add(("webhook.url", "An absolute http or https URL."));
            if (w.Secret is null || w.Secret.Length < MinSecretLength)
                problems.Add(("webhook.secret", $"A secret of at least {MinSecretLength} characters signs every delivery."));
        }
        return problems;
    }

    static void FilterProblems(SegmentFilters f, List<(string, string)> problems)
    {
        if (f.Events is { } events)
        {
            if (events.Count > ReportFilterParser.MaxFilters) problems.Add(("filters.events", $"At most {ReportFilterParser.MaxFilters} filters."));
            for (var i = 0; i < events.Count; i++)
                if (ReportFilterParser.ParseCondition(events[i] ?? "", out var error) is null) problems.Add(($"filters.events[{i}]", error ?? "Not a filter."));
        }
        if (f.Class is { } classes && (classes.Count == 0 || classes.Any(c => !Classes.Contains(c))))
            problems.Add(("filters.class", "One or more of A, B, C."));
        if (f.RfmSegment is { } segments && (segments.Count == 0 || segments.Any(s => !RfmSegmentTable.IsSegment(s))))
            problems.Add(("filters.rfm_segment", "One or more of " + string.Join(", ", RfmSegmentTable.Names) + "."));
        if (f.LastSeen is { } seen)
        {
            if (seen.Before is null && seen.After is null && seen.WithinDays is null)
                problems.Add(("filters.last_seen", "Give before, after or within_days."));
            if (seen.WithinDays is < 1 or > MaxPeriodDays) problems.Add(("filters.last_seen.within_days", $"A whole number of days, 1 to {MaxPeriodDays}."));
            if (seen.Before is { } b && seen.After is { } a && a >= b) problems.Add(("filters.last_seen.after", "Must be before 'before'."));
        }
        if (f.DroppedAt is { } dropped)
        {
            var steps = dropped.Steps;
            if (steps is null || steps.Count is < 2 or > FunnelReport.MaxSteps)
                problems.Add(("filters.dropped_at.steps", $"A funnel has 2 to {FunnelReport.MaxSteps} steps."));
            else
                for (var i = 0; i < steps.Count; i++)
                    foreach (var (field, message) in FunnelValidator.StepErrors(steps[i]))
                        problems.Add((field.Length == 0 ? $"filters.dropped_at.steps[{i}]" : $"filters.dropped_at.steps[{i}].{field}", message));
            if (dropped.WindowSeconds is < 1 or > FunnelReport.MaxWindowSeconds)
                problems.Add(("filters.dropped_at.window_seconds", $"1 to {FunnelReport.MaxWindowSeconds} seconds."));
            if (dropped.Step is not { } k || k < 1 || k >= (steps?.Count ?? 2))
                problems.Add(("filters.dropped_at.step", "The step reached but not passed: 1 to the number of steps − 1."));
        }
    }
}

[JsonSerializable(typeof(SegmentBody))]
[JsonSerializable(typeof(SegmentFilters))]
[JsonSerializable(typeof(Segment))]
[JsonSerializable(typeof(List<Segment>))]
[JsonSerializable(typeof(StoredDefinition))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
public sealed partial class SegmentJson : JsonSerializerContext;
