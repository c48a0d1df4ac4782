using System.Text.RegularExpressions;
using FluentValidation;

namespace Analytics.Ingestion;

/// <summary>The rules an event must meet to be stored; per type where the type carries its own fields.</summary>
public sealed partial class RawEventValidator : AbstractValidator<RawEvent>
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "pageview", "click", "outbound", "download", "form_start", "form_field", "form_submit", "form_abandon",
        "custom", "product_view", "add_to_cart", "purchase", "identify", "consent",
        Crm.Surveys.SurveyFields.AnswerType, Crm.Surveys.SurveyFields.RatingType,
    };

    public RawEventValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop; // one reason per field is enough
        RuleFor(e => e.Type).NotEmpty().OverridePropertyName("type")
            .Must(t => t is null || Types.Contains(t)).WithMessage($"must be one of: {string.Join(", ", Types)}");
        RuleFor(e => e.Url).NotEmpty().OverridePropertyName("url").MaximumLength(4096).Must(IsHttpUrl!).WithMessage("must be an absolute http(s) URL");
        RuleFor(e => e.Referrer).MaximumLength(4096).OverridePropertyName("referrer").Must(IsHttpUrl!).When(e => !string.IsNullOrEmpty(e.Referrer))
            .WithMessage("must be an absolute http(s) URL or empty");
        RuleFor(e => e.Title).MaximumLength(1024).OverridePropertyName("title");
        RuleFor(e => e.Vid!).Matches(IdPattern()).When(e => !string.IsNullOrEmpty(e.Vid)).OverridePropertyName("vid").WithMessage("must be 1–64 letters, digits, - or _");
        RuleFor(e => e.Sid!).Matches(IdPattern()).When(e => !string.IsNullOrEmpty(e.Sid)).OverridePropertyName("sid").WithMessage("must be 1–64 letters, digits, - or _");
        RuleFor(e => e.Screen!).Matches(ScreenPattern()).When(e => !string.IsNullOrEmpty(e.Screen)).OverridePropertyName("screen").WithMessage("must look like 1920x1080");
        RuleFor(e => e.Lang).MaximumLength(35).OverridePropertyName("lang");
        RuleFor(e => e.Name).MaximumLength(200).OverridePropertyName("name");
        RuleFor(e => e.Props).Must(p => p is null || p.Count <= 50).OverridePropertyName("props").WithMessage("may hold at most 50 entries");
        RuleForEach(e => e.Props).Must(p => p.Key.Length is > 0 and <= 100).OverridePropertyName("props").WithMessage("names must be 1–100 characters")
            .Must(p => p.Value.Length <= RawEvent.MaxPropValueLength).WithMessage($"values may be at most {RawEvent.MaxPropValueLength} characters");

        // Commerce and identity fields are checked on every type, not only where they are required: they are stored
        // whatever the type says.
        RuleFor(e => e.OrderId).MaximumLength(200).OverridePropertyName("order_id");
        RuleFor(e => e.CustomerId).MaximumLength(200).OverridePropertyName("customer_id");
        RuleFor(e => e.Currency!).Matches(CurrencyPattern()).When(e => !string.IsNullOrEmpty(e.Currency)).OverridePropertyName("currency")
            .WithMessage("must be an ISO 4217 code such as EUR");

        RuleFor(e => e.Name).NotEmpty().When(e => e.Type == "custom").OverridePropertyName("name").WithMessage("is required for custom events");
        When(e => e.Type == "purchase", () =>
        {
            RuleFor(e => e.OrderId).NotEmpty().OverridePropertyName("order_id");
            RuleFor(e => e.Revenue).NotNull().OverridePropertyName("revenue");
            RuleFor(e => e.Revenue!.Value).Must(r => double.IsFinite(r) && r is >= 0 and <= 1e12).When(e => e.Revenue is not null)
                .OverridePropertyName("revenue").WithMessage("must be a finite amount between 0 and 10^12");
            RuleFor(e => e.Currency).NotEmpty().OverridePropertyName("currency").WithMessage("is required for purchases (an ISO 4217 code such as EUR)");
        });
        RuleFor(e => e.CustomerId).NotEmpty().When(e => e.Type == "identify").OverridePropertyName("customer_id");
        RuleFor(e => e.Signature).MaximumLength(128).OverridePropertyName("signature"); // checked against the site's secret by Identity.IdentifySignature
        RuleFor(e => e.HasConsent).Equal(true).When(e => e.Type == "consent").OverridePropertyName("consent").WithMessage("is required for consent events");
        Include(new Crm.Surveys.SurveyEventRules());
    }

    static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")] private static partial Regex IdPattern();
    [GeneratedRegex("^[0-9]{1,5}x[0-9]{1,5}$")] private static partial Regex ScreenPattern();
    [GeneratedRegex("^[A-Z]{3}$")] private static partial Regex CurrencyPattern();
}
