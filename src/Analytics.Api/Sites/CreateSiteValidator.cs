using FluentValidation;

namespace Analytics.Sites;

public sealed class CreateSiteValidator : AbstractValidator<CreateSiteRequest>
{
    public CreateSiteValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Domains).NotEmpty().WithMessage("List at least one domain the site's pages are served from.");
        RuleForEach(r => r.Domains).Must(IsHostName).WithMessage("'{PropertyValue}' is not a host name (e.g. shop.example, without scheme or path).");
        RuleFor(r => r.TimeZone).Must(IsTimeZone!).When(r => r.TimeZone is not null).WithMessage("'{PropertyValue}' is not an IANA time zone (e.g. Europe/Berlin).");
        RuleFor(r => r.RetentionDays).InclusiveBetween(1, 3650).When(r => r.RetentionDays is not null);
    }

    internal static bool IsHostName(string? host) =>
        !string.IsNullOrWhiteSpace(host) && host.Length <= 253 && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;

    static bool IsTimeZone(string zone) => TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _);
}
