using Analytics.Storage;
using FluentValidation;

namespace Analytics.Crm;

/// <summary>One interaction outside the website (a row of <c>contacts</c>).</summary>
public sealed record ContactRow(
    string SiteId, string ContactId, string CustomerId, DateTimeOffset? Ts, string Channel, string Direction, string Kind,
    string Subject, string Outcome, double Cost);

public sealed class ContactValidator : AbstractValidator<ContactRow>
{
    public static readonly IReadOnlyCollection<string> Channels = ["email", "phone", "chat", "store", "letter", "ticket"];
    public static readonly IReadOnlyCollection<string> Directions = ["inbound", "outbound"];
    public static readonly IReadOnlyCollection<string> Kinds = ["service", "sales", "complaint", "campaign"];

    public ContactValidator()
    {
        RuleFor(c => c.ContactId).Id().OverridePropertyName("contact_id");
        RuleFor(c => c.CustomerId).Id().OverridePropertyName("customer_id");
        RuleFor(c => c.Ts).NotNull().WithMessage("is required: Unix milliseconds or an ISO 8601 time").OverridePropertyName("ts");
        RuleFor(c => c.Channel).OneOf(Channels).OverridePropertyName("channel");
        RuleFor(c => c.Direction).OneOf(Directions).When(c => c.Direction.Length > 0).OverridePropertyName("direction");
        RuleFor(c => c.Kind).OneOf(Kinds).When(c => c.Kind.Length > 0).OverridePropertyName("kind");
        RuleFor(c => c.Subject).Text().OverridePropertyName("subject");
        RuleFor(c => c.Outcome).Text().OverridePropertyName("outcome");
        RuleFor(c => c.Cost).NotNegative().OverridePropertyName("cost");
    }
}

public sealed class ContactsEntity : CrmEntity<ContactRow>
{
    public static readonly ContactsEntity Instance = new();

    public override string Table => "contacts";
    public override IValidator<ContactRow> Validator { get; } = new ContactValidator();
    public override IReadOnlyList<string> Columns { get; } =
        ["site_id", "contact_id", "customer_id", "ts", "channel", "direction", "kind", "subject", "outcome", "cost", "imported_at", "version"];

    public override ContactRow Read(CrmFields f, string siteId) => new(
        siteId, f.String("contact_id")?.Trim() ?? "", f.String("customer_id")?.Trim() ?? "", f.Time("ts"),
        Word(f.String("channel")), Word(f.String("direction")), Word(f.String("kind")), f.String("subject") ?? "", f.String("outcome") ?? "",
        f.Number("cost") ?? 0);

    static string Word(string? value) => value?.Trim().ToLowerInvariant() ?? "";

    public override void Write(ContactRow c, RowBinaryWriter w, DateTimeOffset importedAt, ulong version)
    {
        w.String(c.SiteId);
        w.String(c.ContactId);
        w.String(c.CustomerId);
        w.DateTime(c.Ts!.Value);
        w.String(c.Channel);
        w.String(c.Direction);
        w.String(c.Kind);
        w.String(c.Subject);
        w.String(c.Outcome);
        w.Float64(c.Cost);
        w.DateTime(importedAt);
        w.UInt64(version);
    }
}
