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
        RuleFor(r => r.QueryParams!.Count).LessThanOrEqualTo(50).OverridePropertyName("QueryParams").When(r => r.QueryParams is not null);
        RuleForEach(r => r.QueryParams).Must(IsParameterName).WithMessage("'{PropertyValue}' is not a query parameter name (letters, digits, _ . - [ ], at most 100).")
            .Must(p => p is null || !Ingestion.UrlPrivacy.LooksSecret(p.Trim())).WithMessage("'{PropertyValue}' looks like a secret (it contains email, mail, token, pass, key, secret, auth, code, session or sid): it is never stored.");
        RuleFor(r => r.IdentifySecret).Must(IsIdentifySecret).OverridePropertyName("identify_secret").When(r => r.IdentifySecret is not null).WithMessage(IdentifySecretRule);
    }

    public const string IdentifySecretRule = "must be 16 to 256 printable ASCII characters (a random secret your backend signs customer ids with)";

    public static bool IsIdentifySecret(string? secret) =>
        secret is { Length: >= Identity.IdentifySignature.MinSecretLength and <= Identity.IdentifySignature.MaxSecretLength } && secret.All(c => c is > ' ' and <= '~');

    internal static bool IsHostName(string? host) =>
        !string.IsNullOrWhiteSpace(host) && host.Length <= 253 && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;

    /// <summary>A name as a URL writes it; utm_* and click ids are kept anyway.</summary>
    static bool IsParameterName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Trim().Length <= 100 && name.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '[' or ']');

    static bool IsTimeZone(string zone) => TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _);
}
