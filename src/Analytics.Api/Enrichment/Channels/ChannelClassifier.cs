namespace Analytics.Enrichment.Channels;

/// <summary>Referrer + landing page campaign → channel and readable source (the DESIGN.md rules).</summary>
/// <remarks>
/// First the source is named (utm_source, else the referrer host, else a click id), then the rules below are
/// tried in order and the first that holds gives the channel. Campaign tagging outranks the referrer, as in
/// every analytics tool: a tagged link from one's own site is still the campaign.
/// </remarks>
public static class ChannelClassifier
{
    private delegate bool Condition(in Facts f);

    private static readonly (string Why, Condition When, Channel Channel)[] Rules =
    [
        ("Google or Microsoft ad click id", static (in Facts f) => (f.ClickIds & (ClickIds.GoogleAds | ClickIds.Msclkid)) != 0, Channel.PaidSearch),
        ("utm_medium says email", static (in Facts f) => f.Medium == Medium.Email, Channel.Email),
        ("paid medium, social source", static (in Facts f) => f.Medium == Medium.Paid && f.Source.Kind == SourceKind.Social, Channel.PaidSocial),
        ("paid medium naming social", static (in Facts f) => f.Medium == Medium.PaidSocial, Channel.PaidSocial),
        // The closed channel list has no display or other-paid channel: paid traffic counts as paid search.
        ("paid medium, any other source", static (in Facts f) => f.Medium is Medium.Paid, Channel.PaidSearch),
        // An ad server's referrer (googleadservices.com, doubleclick.net) is a paid click even without a click id.
        ("ad server referrer", static (in Facts f) => f.Source.Kind == SourceKind.Advertising && !f.SelfReferral, Channel.PaidSearch),
        ("referrer is one of the site's own hosts", static (in Facts f) => f.SelfReferral && !f.HasCampaign, Channel.Internal),
        ("utm_medium says social", static (in Facts f) => f.Medium == Medium.Social, Channel.Social),
        ("utm_medium says organic", static (in Facts f) => f.Medium == Medium.Organic, Channel.OrganicSearch),
        ("search engine source", static (in Facts f) => f.Source.Kind == SourceKind.Search, Channel.OrganicSearch),
        ("social network source", static (in Facts f) => f.Source.Kind == SourceKind.Social, Channel.Social),
        ("webmail or newsletter source", static (in Facts f) => f.Source.Kind == SourceKind.Email, Channel.Email),
        ("no referrer and no campaign", static (in Facts f) => !f.HasReferrer && !f.HasCampaign, Channel.Direct),
        ("anything else", static (in Facts _) => true, Channel.Referral),
    ];

    /// <param name="campaign">From <see cref="Campaign.FromUrl"/> of the page URL.</param>
    /// <param name="referrer">The document referrer, possibly empty.</param>
    /// <param name="pageUrl">The page URL; its host counts as the site's own when no domains are given.</param>
    /// <param name="siteDomains">The site's domains; their subdomains count as the site too.</param>
    public static ChannelResult Classify(Campaign campaign, string? referrer, string? pageUrl, IReadOnlyList<string> siteDomains)
    {
        var referrerHost = UrlParts.Host(referrer);
        var self = !referrerHost.IsEmpty && IsOwnHost(referrerHost, pageUrl, siteDomains);
        var facts = new Facts(
            NameSource(campaign, referrer, referrerHost, self), MediumOf(campaign.UtmMedium), campaign.ClickIds,
            HasReferrer: !referrerHost.IsEmpty, HasCampaign: IsTagged(campaign),
            SelfReferral: self);

        foreach (var (_, when, channel) in Rules)
        {
            if (!when(in facts)) continue;
            var source = channel switch
            {
                Channel.Direct => "",
                Channel.Internal => Lower(UrlParts.WithoutWww(referrerHost)),
                Channel.Email when facts.Source.Name.Length == 0 => "Newsletter",
                _ => facts.Source.Name,
            };
            return new ChannelResult(channel, source);
        }
        throw new InvalidOperationException("The last channel rule always holds.");
    }

    /// <summary>The readable source: utm_source, else the referrer, else what a click id implies.</summary>
    private static Source NameSource(Campaign campaign, string? referrer, ReadOnlySpan<char> referrerHost, bool selfReferral)
    {
        if ((campaign.ClickIds & ClickIds.GoogleAds) != 0) return new Source("Google", SourceKind.Search);
        if ((campaign.ClickIds & ClickIds.Msclkid) != 0) return new Source("Bing", SourceKind.Search);
        if (campaign.UtmSource is { } utm) return KnownSources.FromUtmSource(utm) ?? new Source(utm, SourceKind.Unknown);
        if (!referrerHost.IsEmpty && !selfReferral)
            return KnownSources.FromReferrer(referrerHost, UrlParts.Path(referrer))
                   ?? new Source(Lower(UrlParts.WithoutWww(referrerHost)), SourceKind.Unknown);
        // fbclid rides along on organic shares too, so it names Facebook but never makes the visit paid.
        if ((campaign.ClickIds & ClickIds.Fbclid) != 0) return new Source("Facebook", SourceKind.Social);
        return Source.None;
    }

    /// <summary>
    /// A visit tagged as a campaign: utm_source, utm_medium or a paid click id. utm_campaign/term/content alone
    /// are kept but do not make one, and fbclid does not either (it survives on internal navigation).
    /// </summary>
    private static bool IsTagged(Campaign c) =>
        c.UtmSource is not null || c.UtmMedium is not null || (c.ClickIds & (ClickIds.GoogleAds | ClickIds.Msclkid)) != 0;

    private static string Lower(ReadOnlySpan<char> text)
    {
        Span<char> lower = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        text.ToLowerInvariant(lower);
        return new string(lower);
    }

    private static bool IsOwnHost(ReadOnlySpan<char> host, string? pageUrl, IReadOnlyList<string> siteDomains)
    {
        for (var i = 0; i < siteDomains.Count; i++)
            if (UrlParts.IsSameSite(host, siteDomains[i])) return true;
        var pageHost = UrlParts.Host(pageUrl);
        return siteDomains.Count == 0 && !pageHost.IsEmpty && UrlParts.IsSameSite(host, pageHost);
    }

    private enum Medium { None, Other, Email, Paid, PaidSocial, Social, Organic }

    private static Medium MediumOf(string? medium)
    {
        if (medium is null) return Medium.None;
        var m = medium.AsSpan();
        if (Is(m, "email") || Is(m, "e-mail") || Is(m, "e_mail") || Is(m, "newsletter") || Is(m, "mail")) return Medium.Email;
        if (m.StartsWith("paid", StringComparison.OrdinalIgnoreCase))
            return m.Contains("social", StringComparison.OrdinalIgnoreCase) ? Medium.PaidSocial : Medium.Paid;
        if (Is(m, "cpc") || Is(m, "ppc") || Is(m, "cpm") || Is(m, "cpv")) return Medium.Paid;
        if (Is(m, "social") || Is(m, "social-network") || Is(m, "social-media") || Is(m, "social_media") || Is(m, "sm"))
            return Medium.Social;
        if (Is(m, "organic")) return Medium.Organic;
        return Medium.Other;
    }

    private static bool Is(ReadOnlySpan<char> value, string word) => value.Equals(word, StringComparison.OrdinalIgnoreCase);

    private readonly record struct Facts(
        Source Source, Medium Medium, ClickIds ClickIds, bool HasReferrer, bool HasCampaign, bool SelfReferral);
}
