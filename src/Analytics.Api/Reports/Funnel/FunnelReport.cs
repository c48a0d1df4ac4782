using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Analytics.Ingestion;
using Analytics.Reports.Filters;
using Analytics.Sites;
using FluentValidation;

namespace Analytics.Reports.Funnel;

/// <summary>A step as the request names it: an event type (<c>pageview</c>, <c>purchase</c>, …), and optionally a page path or pattern and an event name.</summary>
public sealed record FunnelStep(string? Type, string? Path, string? Name)
{
    /// <summary>What the step is, in words, for answers and CSV: <c>pageview /cart</c>, <c>custom signup</c>, <c>purchase</c>.</summary>
    public string Description => string.Join(' ', new[] { Type, Name, Path is null ? null : (Type == "pageview" ? Path : "on " + Path) }.Where(p => p is not null));
}

/// <summary>The JSON body of <c>POST /api/reports/funnel</c> (snake_case).</summary>
public sealed record FunnelBody(
    string? Site, string? From, string? To, long? WindowSeconds, List<FunnelStep?>? Steps, string? Breakdown, int? Limit,
    List<string>? Filter, int? DropOff, int? Page, int? PageSize);

/// <summary>
/// <c>POST /api/reports/funnel</c> (docs/reports.md "funnel"): per step the persons who reached it (DESIGN.md "Semantics":
/// the step's events in order, strictly increasing times, all within the window after the step-1 event), the conversion
/// from the previous step and from step 1, the median time from the previous step; optionally the same per value of a
/// dimension, and the identified persons who dropped off after step <see cref="DropOff"/>.
/// </summary>
public sealed record FunnelReport(
    ReportInput Input, IReadOnlyList<FunnelStep?>? Steps, long? WindowSeconds, string? Breakdown, string? Limit, string? DropOff,
    string? Page, string? PageSize, ClaimsPrincipal User, DateTimeOffset Now) : IReport<FunnelAnswer>
{
    public const int MaxSteps = 20;
    public const long MaxWindowSeconds = 90L * 24 * 3600;
    public const int DefaultPageSize = 100, MaxPageSize = 1000;

    public string Report => "funnel";
    public Site? Site { get; init; }
    public IReportRequest WithSite(Site site) => this with { Site = site };

    public string Parameters => JsonSerializer.Serialize(new object?[]
    {
        Steps?.Select(s => new[] { s?.Type, s?.Path, s?.Name }).ToArray(), WindowSeconds, Breakdown, Limit, DropOff, Page, PageSize,
    });

    /// <summary>The steps of a validated request.</summary>
    public IReadOnlyList<FunnelStep> ValidSteps => Steps!.Select(s => s!).ToList();

    public int? DropOffStep => DropOff is null ? null : int.Parse(DropOff, CultureInfo.InvariantCulture);
    public int PageNumber => Page is null ? 1 : int.Parse(Page, CultureInfo.InvariantCulture);
    public int PageLength => PageSize is null ? DefaultPageSize : int.Parse(PageSize, CultureInfo.InvariantCulture);

    /// <summary>
    /// The request from the body, with <c>drop_off</c>, <c>page</c> and <c>page_size</c> also taken from the query (the
    /// query wins) and <c>site</c> from the query when the body has none.
    /// </summary>
    public static FunnelReport From(FunnelBody body, IQueryCollection query, ClaimsPrincipal user, DateTimeOffset now)
    {
        string? Query(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        string? Text(int? number) => number?.ToString(CultureInfo.InvariantCulture);
        var input = new ReportInput(body.Site ?? Query("site"), body.From, body.To, body.Filter?.Where(f => f is not null).ToList() ?? []);
        return new FunnelReport(input, body.Steps, body.WindowSeconds, body.Breakdown, Text(body.Limit),
            Query("drop_off") ?? Text(body.DropOff), Query("page") ?? Text(body.Page), Query("page_size") ?? Text(body.PageSize), user, now);
    }
}

public sealed class FunnelValidator : AbstractValidator<FunnelReport>
{
    public FunnelValidator()
    {
        Include(new ReportInputValidator());
        RuleFor(r => r.Steps).NotNull().OverridePropertyName("steps").WithMessage("Name the steps: [{\"type\": \"pageview\", \"path\": \"/cart\"}, {\"type\": \"purchase\"}].");
        RuleFor(r => r.Steps!.Count).InclusiveBetween(2, FunnelReport.MaxSteps).When(r => r.Steps is not null)
            .OverridePropertyName("steps").WithMessage($"A funnel has 2 to {FunnelReport.MaxSteps} steps.");
        RuleFor(r => r).Custom((report, context) =>
        {
            for (var i = 0; i < (report.Steps?.Count ?? 0); i++)
                foreach (var (field, message) in StepErrors(report.Steps![i]))
                    context.AddFailure($"steps[{i}]{(field.Length > 0 ? "." + field : "")}", message);
        });
        RuleFor(r => r.WindowSeconds).InclusiveBetween(1, FunnelReport.MaxWindowSeconds).When(r => r.WindowSeconds is not null)
            .OverridePropertyName("window_seconds").WithMessage($"window_seconds is from 1 to {FunnelReport.MaxWindowSeconds} (90 days).");
        RuleFor(r => r.Breakdown).Must(b => ReportDimensions.Find(b) is { Source: DimensionSource.Event }).When(r => r.Breakdown is not null)
            .OverridePropertyName("breakdown").WithMessage(r => $"'{r.Breakdown}' is not a dimension of events: one of {ReportDimensions.FilterNames}.");
        RuleFor(r => r.Limit).Must(l => Whole(l, 1, ReportOptions.MaxBreakdownRows)).When(r => r.Limit is not null)
            .OverridePropertyName("limit").WithMessage($"limit is a whole number from 1 to {ReportOptions.MaxBreakdownRows}.");
        RuleFor(r => r.DropOff).Must((r, d) => Whole(d, 1, Math.Max(1, (r.Steps?.Count ?? 2) - 1))).When(r => r.DropOff is not null)
            .OverridePropertyName("drop_off").WithMessage("drop_off is a step from 1 to the last but one: the persons who reached it and not the next.");
        RuleFor(r => r.Page).Must(p => Whole(p, 1, 1_000_000)).When(r => r.Page is not null)
            .OverridePropertyName("page").WithMessage("page is a whole number from 1.");
        RuleFor(r => r.PageSize).Must(p => Whole(p, 1, FunnelReport.MaxPageSize)).When(r => r.PageSize is not null)
            .OverridePropertyName("page_size").WithMessage($"page_size is a whole number from 1 to {FunnelReport.MaxPageSize}.");
    }

    static bool Whole(string? text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max;

    /// <summary>What is wrong with one step, by field ("" for the step itself).</summary>
    public static IEnumerable<(string Field, string Message)> StepErrors(FunnelStep? step)
    {
        if (step is null)
        {
            yield return ("", "A step is an object: {\"type\": …, \"path\"?: …, \"name\"?: …}.");
            yield break;
        }
        if (string.IsNullOrEmpty(step.Type)) yield return ("type", $"Name the event type: one of {string.Join(", ", RawEventValidator.Types)}.");
        else if (!RawEventValidator.Types.Contains(step.Type)) yield return ("type", $"'{Shorten(step.Type)}' is not an event type: one of {string.Join(", ", RawEventValidator.Types)}.");
        if (step.Path is { } path && (path.Length == 0 || path.Length > PathPattern.MaxLength))
            yield return ("path", $"A path is 1 to {PathPattern.MaxLength} characters: exact (/cart) or a pattern with * (/shoes/*).");
        if (step.Name is { } name && (name.Length == 0 || name.Length > 200))
            yield return ("name", "An event name is 1 to 200 characters.");
    }

    static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>One step of the answer; <c>median_seconds_from_previous</c> is null for step 1 and for a step nobody reached.</summary>
public sealed record FunnelStepAnswer(
    int Step, string Description, string Type, string? Path, string? Name, long Persons, double ConversionFromPrevious,
    double ConversionFromFirst, double? MedianSecondsFromPrevious, long DropOff);

/// <summary>The whole funnel for the persons whose step-1 event has this value of the breakdown dimension.</summary>
public sealed record FunnelGroup(string Value, IReadOnlyList<FunnelStepAnswer> Steps);

/// <summary>A page of the identified persons (customer ids) who reached <see cref="Step"/> and not the next one.</summary>
public sealed record FunnelDropOff(int Step, long Total, int Page, int PageSize, IReadOnlyList<string> Customers);

public sealed record FunnelAnswer(
    string From, string To, long WindowSeconds, IReadOnlyList<FunnelStepAnswer> Steps, string? BreakdownDimension,
    IReadOnlyList<FunnelGroup>? Breakdown, FunnelDropOff? DropOff) : IReportAnswer
{
    /// <summary>A row per step (per value and step with a breakdown); with <c>drop_off</c> the customer ids instead, for CRM follow-up.</summary>
    public CsvTable ToCsv()
    {
        if (DropOff is { } dropOff) return new CsvTable(["customer_id"], dropOff.Customers.Select(c => (IReadOnlyList<object>)[c]).ToList());
        IReadOnlyList<string> header = ["step", "description", "persons", "conversion_from_previous", "conversion_from_first", "median_seconds_from_previous", "drop_off"];
        static IReadOnlyList<object> Row(FunnelStepAnswer s) =>
            [s.Step, s.Description, s.Persons, s.ConversionFromPrevious, s.ConversionFromFirst, (object?)s.MedianSecondsFromPrevious ?? "", s.DropOff];
        if (Breakdown is { } groups)
            return new CsvTable([BreakdownDimension!, .. header], groups.SelectMany(g => g.Steps.Select(s => (IReadOnlyList<object>)[g.Value, .. Row(s)])).ToList());
        return new CsvTable(header, Steps.Select(Row).ToList());
    }
}
