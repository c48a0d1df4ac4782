namespace Analytics.Enrichment.Channels;

/// <summary>The campaign parameters of a landing page URL: UTM fields and ad click ids.</summary>
public sealed record Campaign(
    string? UtmSource = null, string? UtmMedium = null, string? UtmCampaign = null, string? UtmTerm = null,
    string? UtmContent = null, ClickIds ClickIds = ClickIds.None)
{
    /// <summary>Stored values are cut to this length: a URL is visitor input.</summary>
    public const int MaxValueLength = 200;

    public static readonly Campaign Empty = new();

    /// <summary>Reads utm_* and click ids from the query of <paramref name="pageUrl"/>. Keys are case-insensitive.</summary>
    public static Campaign FromUrl(string? pageUrl)
    {
        var query = UrlParts.Query(pageUrl);
        if (query.IsEmpty) return Empty;

        string? source = null, medium = null, name = null, term = null, content = null;
        var clickIds = ClickIds.None;
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? default : pair[(equals + 1)..];
            if (key.StartsWith("utm_", StringComparison.OrdinalIgnoreCase))
            {
                var field = key[4..];
                if (field.Equals("source", StringComparison.OrdinalIgnoreCase)) source ??= Decode(value);
                else if (field.Equals("medium", StringComparison.OrdinalIgnoreCase)) medium ??= Decode(value);
                else if (field.Equals("campaign", StringComparison.OrdinalIgnoreCase)) name ??= Decode(value);
                else if (field.Equals("term", StringComparison.OrdinalIgnoreCase)) term ??= Decode(value);
                else if (field.Equals("content", StringComparison.OrdinalIgnoreCase)) content ??= Decode(value);
            }
            else if (!value.IsEmpty)
            {
                clickIds |= ClickIdOf(key);
            }
        }

        return source is null && medium is null && name is null && term is null && content is null && clickIds == ClickIds.None
            ? Empty
            : new Campaign(source, medium, name, term, content, clickIds);
    }

    private static ClickIds ClickIdOf(ReadOnlySpan<char> key)
    {
        if (key.Equals("gclid", StringComparison.OrdinalIgnoreCase)) return ClickIds.Gclid;
        if (key.Equals("gbraid", StringComparison.OrdinalIgnoreCase)) return ClickIds.Gbraid;
        if (key.Equals("wbraid", StringComparison.OrdinalIgnoreCase)) return ClickIds.Wbraid;
        if (key.Equals("msclkid", StringComparison.OrdinalIgnoreCase)) return ClickIds.Msclkid;
        if (key.Equals("fbclid", StringComparison.OrdinalIgnoreCase)) return ClickIds.Fbclid;
        return ClickIds.None;
    }

    private static string? Decode(ReadOnlySpan<char> value)
    {
        string text;
        if (value.IndexOfAny('%', '+') < 0) text = value.ToString();
        else
        {
            var plusAsSpace = value.ToString().Replace('+', ' ');
            // A malformed escape ("%zz") stays as typed; UnescapeDataString does not throw for it.
            text = Uri.UnescapeDataString(plusAsSpace);
        }
        text = text.Trim();
        if (text.Length == 0) return null;
        return text.Length > MaxValueLength ? text[..MaxValueLength] : text;
    }
}

/// <summary>Ad click ids found in a landing page URL.</summary>
[Flags]
public enum ClickIds
{
    None = 0,
    Gclid = 1,      // Google Ads
    Gbraid = 2,     // Google Ads, iOS app-to-web
    Wbraid = 4,     // Google Ads, iOS web-to-app
    Msclkid = 8,    // Microsoft Advertising
    Fbclid = 16,    // Facebook/Instagram, added to organic shares too: names the source, says nothing of payment
    GoogleAds = Gclid | Gbraid | Wbraid,
}
