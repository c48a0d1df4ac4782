using Analytics.Storage;
using FluentValidation;

namespace Analytics.Crm;

/// <summary>A customer as the CRM knows it (a row of <c>customers</c>).</summary>
public sealed record CustomerRow(
    string SiteId, string CustomerId, string Email, string Name, string Segment, DateTimeOffset? CreatedAt,
    IReadOnlyList<KeyValuePair<string, string>> Attributes, bool MarketingConsent, bool ConsentGiven, DateTimeOffset? MarketingConsentAt,
    IReadOnlyList<string> VisitorIds);

public sealed class CustomerValidator : AbstractValidator<CustomerRow>
{
    public CustomerValidator()
    {
        RuleFor(c => c.CustomerId).Id().OverridePropertyName("customer_id");
        RuleFor(c => c.Email).Text(320).Must(e => e.Length == 0 || (e.IndexOf('@') > 0 && e.IndexOf('@') < e.Length - 1))
            .WithMessage("must be an email address").OverridePropertyName("email");
        RuleFor(c => c.Name).Text().OverridePropertyName("name");
        RuleFor(c => c.Segment).Text(128).OverridePropertyName("segment");
        RuleFor(c => c.Attributes.Count).LessThanOrEqualTo(100).WithMessage("must have at most 100 entries").OverridePropertyName("attributes");
        RuleForEach(c => c.Attributes).Must(a => a.Key.Length is > 0 and <= 128 && a.Value.Length <= CrmRules.MaxText)
            .WithMessage("keys are 1 to 128 characters, values at most 1024").OverridePropertyName("attributes");
        RuleFor(c => c.MarketingConsentAt).NotNull().When(c => c.ConsentGiven && c.MarketingConsent)
            .WithMessage("is required with marketing_consent true: the time of the opt-in").OverridePropertyName("marketing_consent_at");
        RuleFor(c => c.VisitorIds.Count).LessThanOrEqualTo(100).WithMessage("must have at most 100 entries").OverridePropertyName("visitor_ids");
        RuleForEach(c => c.VisitorIds).Must(v => v.Length is > 0 and <= 64).WithMessage("each is 1 to 64 characters").OverridePropertyName("visitor_ids");
    }
}

public sealed class CustomersEntity : CrmEntity<CustomerRow>
{
    public static readonly CustomersEntity Instance = new();

    public override string Table => "customers";
    public override IValidator<CustomerRow> Validator { get; } = new CustomerValidator();
    public override IReadOnlyList<string> Columns { get; } =
    [
        "site_id", "customer_id", "email", "name", "segment", "created_at", "attribute_keys", "attribute_values",
        "marketing_consent", "marketing_consent_at", "visitor_ids", "imported_at", "version",
    ];

    public override CustomerRow Read(CrmFields f, string siteId)
    {
        var consent = f.Bool("marketing_consent");
        return new(siteId, f.String("customer_id")?.Trim() ?? "", f.String("email")?.Trim() ?? "", f.String("name") ?? "",
            f.String("segment") ?? "", f.Time("created_at"), f.StringMap("attributes"), consent ?? false, consent is not null,
            f.Time("marketing_consent_at"), f.StringList("visitor_ids").Distinct().ToList());
    }

    public override void Write(CustomerRow c, RowBinaryWriter w, DateTimeOffset importedAt, ulong version)
    {
        w.String(c.SiteId);
        w.String(c.CustomerId);
        w.String(c.Email);
        w.String(c.Name);
        w.String(c.Segment);
        w.DateTime(c.CreatedAt ?? DateTimeOffset.UnixEpoch); // 1970: the CRM did not say
        w.StringArray(c.Attributes.Select(a => a.Key).ToList());
        w.StringArray(c.Attributes.Select(a => a.Value).ToList());
        w.Bool(c.MarketingConsent);
        w.DateTime(c.MarketingConsentAt ?? DateTimeOffset.UnixEpoch);
        w.StringArray(c.VisitorIds);
        w.DateTime(importedAt);
        w.UInt64(version);
    }

    public override IEnumerable<(string VisitorId, string CustomerId, DateTimeOffset LinkedAt)> Links(CustomerRow row, DateTimeOffset importedAt) =>
        row.VisitorIds.Select(v => (v, row.CustomerId, row.CreatedAt ?? importedAt));
}
