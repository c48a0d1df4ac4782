using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Analytics.Sites;

namespace Analytics.Ingestion;

/// <summary>
/// What of a page URL, a referrer and a title is stored (DESIGN.md, tracker): the path with allow-listed query
/// parameters only, never the fragment, never a parameter named like a secret; an external referrer as origin and
/// path. The tracker strips the same before sending; this is the server's word for every source.
/// </summary>
/// <remarks>
/// A name "looks like a secret" when it contains, case-insensitively and after percent-decoding, one of
/// <see cref="SecretWords"/> anywhere: access_token, userEmail, api_key, PHPSESSID, auth_code all match. Some
/// harmless names match too (author, keyword, zipcode, side): dropping a dimension costs less than storing a secret.
/// </remarks>
public static partial class UrlPrivacy
{
    /// <summary>"mail" covers email and e-mail, "pass" covers password and passwd.</summary>
    public static readonly IReadOnlyList<string> SecretWords = ["mail", "token", "pass", "key", "secret", "auth", "code", "session", "sid"];

    /// <summary>Ad click ids that name a channel (Google, Microsoft, Meta, TikTok, X, LinkedIn, Yandex, Pinterest, Snapchat).</summary>
    public static readonly IReadOnlyList<string> ClickIds =
        ["gclid", "gbraid", "wbraid", "dclid", "msclkid", "fbclid", "ttclid", "twclid", "li_fat_id", "yclid", "epik", "sccid"];

    static readonly SearchValues<string> Secrets = SearchValues.Create([.. SecretWords], StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the parameter name (as written in the URL, percent-encoded or not) looks like a secret.</summary>
    public static bool LooksSecret(ReadOnlySpan<char> name) =>
        name.ContainsAny(Secrets) || (name.IndexOfAny('%', '+') >= 0 && Decode(name).AsSpan().ContainsAny(Secrets));

    /// <summary>Kept in a stored URL: <c>utm_*</c>, a click id or one of the site's own names, unless it looks like a secret.</summary>
    public static bool IsKept(ReadOnlySpan<char> name, IReadOnlyList<string> siteParams)
    {
        if (LooksSecret(name)) return false;
        var decoded = name.IndexOfAny('%', '+') >= 0 ? Decode(name).AsSpan() : name;
        if (decoded.StartsWith("utm_", StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var id in ClickIds)
            if (decoded.Equals(id, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var own in siteParams)
            if (decoded.Equals(own, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>
    /// scheme://host[:port]/path?kept-parameters: no user info, no other parameter, no fragment, and no parameter
    /// whose value holds an e-mail address (newsletter tools write the subscriber's into utm_content).
    /// </summary>
    public static string Page(Uri url, IReadOnlyList<string> siteParams) =>
        Filter(OriginAndPath(url), url.Query, siteParams);

    /// <summary>
    /// What the enrichment reads (campaign and click ids, before the allow-list): the URL as received, without its
    /// fragment and without parameters that hold an e-mail address, so that none reaches the utm_* columns either.
    /// </summary>
    public static string ForEnrichment(string url)
    {
        var hash = url.IndexOf('#');
        if (hash >= 0) url = url[..hash];
        var question = url.IndexOf('?');
        if (question < 0 || (url.IndexOf('@', question) < 0 && url.IndexOf("%40", question, StringComparison.Ordinal) < 0)) return url;
        return Filter(url[..question], url[question..], null);
    }

    /// <summary>base + the pairs of <paramref name="query"/> ("?a=1&amp;b=2") that are kept; all but e-mail values when no allow-list.</summary>
    static string Filter(string baseUrl, string query, IReadOnlyList<string>? siteParams)
    {
        if (query.Length <= 1) return baseUrl;
        var pairs = query.AsSpan(1);
        var kept = new StringBuilder(baseUrl, baseUrl.Length + query.Length);
        var separator = '?';
        foreach (var range in pairs.Split('&'))
        {
            var pair = pairs[range];
            var equals = pair.IndexOf('=');
            if (pair.IsEmpty || (siteParams is not null && !IsKept(equals < 0 ? pair : pair[..equals], siteParams))) continue;
            if (equals >= 0 && HoldsEmailAddress(pair[(equals + 1)..])) continue;
            kept.Append(separator).Append(pair);
            separator = '&';
        }
        return kept.ToString();
    }

    static bool HoldsEmailAddress(ReadOnlySpan<char> value)
    {
        if (value.IndexOf('@') < 0 && !value.Contains("%40", StringComparison.OrdinalIgnoreCase)) return false;
        return EmailAddress().IsMatch(value.IndexOfAny('%', '+') >= 0 ? Decode(value) : value.ToString());
    }

    /// <summary>
    /// An internal referrer (the page's host or one of the site's domains) is stored like a page; an external one as
    /// origin and path only (a search engine's query or another site's token is none of our business). A referrer
    /// that is not an http(s) URL is not stored.
    /// </summary>
    public static string Referrer(string? referrer, string pageHost, Site site)
    {
        if (string.IsNullOrEmpty(referrer) || !Uri.TryCreate(referrer, UriKind.Absolute, out var uri)) return "";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return "";
        var isInternal = uri.Host.Equals(pageHost, StringComparison.OrdinalIgnoreCase) || site.AllowsHost(uri.Host);
        return isInternal ? Page(uri, site.QueryParams) : OriginAndPath(uri);
    }

    /// <summary>
    /// The title is kept (it names the page in reports), but an e-mail address in it becomes "[email]" and a
    /// <c>name=value</c> whose name looks like a secret keeps only its name ("token=[redacted]"): account and
    /// search pages put both there.
    /// </summary>
    public static string Title(string? title)
    {
        if (string.IsNullOrEmpty(title)) return "";
        if (title.Contains('@')) title = EmailAddress().Replace(title, "[email]");
        if (title.Contains('=')) title = NameValue().Replace(title, m => LooksSecret(m.Groups["name"].ValueSpan) ? m.Groups["name"].Value + "=[redacted]" : m.Value);
        return title;
    }

    static string OriginAndPath(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    static string Decode(ReadOnlySpan<char> name) => Uri.UnescapeDataString(name.ToString().Replace('+', ' '));

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+")]
    private static partial Regex EmailAddress();

    [GeneratedRegex(@"(?<name>[\w.%\-\[\]]+)=[^\s&#]*")]
    private static partial Regex NameValue();
}
