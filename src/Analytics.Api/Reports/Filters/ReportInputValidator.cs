using FluentValidation;
using FluentValidation.Results;

namespace Analytics.Reports.Filters;

/// <summary>
/// The one validator of the shared report parameters (<c>site</c>, <c>from</c>, <c>to</c>, <c>filter</c>); each report's
/// validator includes it. Property names are the query parameters, so the problem+json names what to fix.
/// </summary>
public sealed class ReportInputValidator : AbstractValidator<IReportRequest>
{
    /// <summary>About three years: longer ranges are a bulk export, not a report.</summary>
    public const int MaxDays = 1100;

    public ReportInputValidator()
    {
        RuleFor(r => r.Input.Site).NotEmpty().OverridePropertyName("site").WithMessage("Name the site (?site=KEY).");
        RuleFor(r => r.Input.From).Custom((text, context) => Time(text, "from", context)).When(r => r.Input.From is not null);
        RuleFor(r => r.Input.To).Custom((text, context) => Time(text, "to", context)).When(r => r.Input.To is not null);
        RuleFor(r => r.Input.Filters.Count).LessThanOrEqualTo(ReportFilterParser.MaxFilters).OverridePropertyName("filter")
            .WithMessage($"At most {ReportFilterParser.MaxFilters} filters.");
        RuleForEach(r => r.Input.Filters).Custom((text, context) =>
        {
            if (ReportFilterParser.ParseCondition(text, out var error) is null) context.AddFailure(new ValidationFailure("filter", error));
        });
        RuleFor(r => r).Custom((request, context) => Range(request, context));
    }

    /// <summary>The range of a request whose site is known and whose from/to parse (filters left out), else null.</summary>
    public static ReportScope? RangeOf(IReportRequest request) =>
        request.Site is { } site && Parses(request.Input.From) && Parses(request.Input.To)
            ? ReportScope.Resolve(request.Input with { Filters = [] }, site, request.Now) : null;

    static void Time(string? text, string name, ValidationContext<IReportRequest> context)
    {
        if (ReportFilterParser.ParseTime(text!, out var error) is null) context.AddFailure(name, error!);
    }

    static bool Parses(string? text) => text is null || ReportFilterParser.ParseTime(text, out _) is not null;

    static void Range(IReportRequest request, ValidationContext<IReportRequest> context)
    {
        if (RangeOf(request) is not { } scope) return;
        if (scope.To <= scope.From) context.AddFailure(request.Input.To is null ? "from" : "to", "to must be after from (a to date is inclusive: from=2026-03-01&to=2026-03-01 is that one day).");
        else if ((scope.To - scope.From).TotalDays > MaxDays) context.AddFailure("from", $"The range is longer than {MaxDays} days.");
    }
}
