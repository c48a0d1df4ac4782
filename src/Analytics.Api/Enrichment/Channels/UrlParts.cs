namespace Analytics.Enrichment.Channels;

/// <summary>Span-based pieces of an absolute URL, without building a <see cref="Uri"/> per event.</summary>
internal static class UrlParts
{
    /// <summary>The host of "scheme://user@host:port/path?query", or of "host/path" when there is no scheme.</summary>
    public static ReadOnlySpan<char> Host(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return default;
        var span = url.AsSpan().Trim();
        var scheme = span.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) span = span[(scheme + 3)..];
        else if (span.StartsWith("//", StringComparison.Ordinal)) span = span[2..];

        var end = span.IndexOfAny('/', '?', '#');
        if (end >= 0) span = span[..end];
        var at = span.LastIndexOf('@');
        if (at >= 0) span = span[(at + 1)..];
        if (span.StartsWith("[")) return span;                      // IPv6 literal, port and all: not a name
        var colon = span.IndexOf(':');
        if (colon >= 0) span = span[..colon];
        return span.TrimEnd('.');
    }

    /// <summary>The path of "scheme://host/path?query#fragment" ("/path"), or empty.</summary>
    public static ReadOnlySpan<char> Path(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return default;
        var span = url.AsSpan().Trim();
        var scheme = span.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) span = span[(scheme + 3)..];
        else if (span.StartsWith("//", StringComparison.Ordinal)) span = span[2..];
        var slash = span.IndexOfAny('/', '?', '#');
        if (slash < 0 || span[slash] != '/') return default;
        span = span[slash..];
        var end = span.IndexOfAny('?', '#');
        return end >= 0 ? span[..end] : span;
    }

    /// <summary>The query string without '?' and without the fragment, or empty.</summary>
    public static ReadOnlySpan<char> Query(string? url)
    {
        if (string.IsNullOrEmpty(url)) return default;
        var span = url.AsSpan();
        var question = span.IndexOf('?');
        if (question < 0) return default;
        span = span[(question + 1)..];
        var hash = span.IndexOf('#');
        return hash >= 0 ? span[..hash] : span;
    }

    /// <summary>"www.example.com" → "example.com"; other hosts unchanged.</summary>
    public static ReadOnlySpan<char> WithoutWww(ReadOnlySpan<char> host) =>
        host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : host;

    /// <summary>True when <paramref name="host"/> is <paramref name="domain"/> or one of its subdomains.</summary>
    public static bool IsSameSite(ReadOnlySpan<char> host, ReadOnlySpan<char> domain)
    {
        domain = WithoutWww(domain.Trim().TrimEnd('.'));
        if (domain.IsEmpty || host.Length < domain.Length) return false;
        if (!host.EndsWith(domain, StringComparison.OrdinalIgnoreCase)) return false;
        return host.Length == domain.Length || host[host.Length - domain.Length - 1] == '.';
    }
}
