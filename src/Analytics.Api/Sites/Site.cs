namespace Analytics.Sites;

/// <summary>A tracked website: its public key (in the snippet), the domains its pages may post from, its clock and retention.</summary>
public sealed record Site(
    string Id, string Key, string Name, IReadOnlyList<string> Domains, string TimeZone, int RetentionDays, DateTimeOffset CreatedAt)
{
    /// <summary>Query parameters its page URLs keep besides utm_* and click ids (e.g. "id"): see <see cref="Ingestion.UrlPrivacy"/>.</summary>
    public IReadOnlyList<string> QueryParams { get; init; } = [];

    /// <summary>
    /// The key of signed identify (<see cref="Identity.IdentifySignature"/>), empty when identifies need no signature.
    /// Kept in ClickHouse and sites.json (0600); never in an answer or a log line.
    /// </summary>
    public string IdentifySecret { get; init; } = "";

    /// <summary>Names the site without its secret (a record would print every property).</summary>
    public override string ToString() => $"Site {Key} ({Name})";

    /// <summary>True when a page of this <c>Origin</c> header (scheme://host[:port]) may send for the site.</summary>
    public bool AllowsOrigin(string origin) => Uri.TryCreate(origin, UriKind.Absolute, out var uri) && AllowsHost(uri.Host);

    /// <summary>True when a page at <paramref name="host"/> belongs to the site: one of its domains or a subdomain of one.</summary>
    public bool AllowsHost(string host)
    {
        foreach (var domain in Domains)
        {
            if (host.Equals(domain, StringComparison.OrdinalIgnoreCase)) return true;
            if (host.Length > domain.Length + 1 && host.EndsWith(domain, StringComparison.OrdinalIgnoreCase) && host[^(domain.Length + 1)] == '.')
                return true;
        }
        return false;
    }
}
