using System.Collections.Frozen;

namespace Analytics.Import;

/// <summary>Requests of an access log that are parts of a page, not pages: style sheets, scripts, images, fonts, maps, icons.</summary>
public static class StaticAssets
{
    static readonly FrozenSet<string> Extensions = new[]
    {
        "css", "js", "mjs", "map", "json", "webmanifest",
        "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "tif", "tiff", "cur",
        "woff", "woff2", "ttf", "otf", "eot",
        "mp4", "webm", "mp3", "ogg", "wav", "m4a",
    }.ToFrozenSet(StringComparer.Ordinal);

    static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Extensions.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>True for an asset by extension, and for the files robots and browsers fetch by themselves (robots.txt, sitemaps, /.well-known/).</summary>
    /// <param name="path">The path of the request target, without query.</param>
    public static bool IsStatic(ReadOnlySpan<byte> path)
    {
        if (path.StartsWith("/.well-known/"u8) || path.SequenceEqual("/robots.txt"u8) || path.StartsWith("/sitemap"u8)) return true;
        var slash = path.LastIndexOf((byte)'/');
        var name = path[(slash + 1)..];
        var dot = name.LastIndexOf((byte)'.');
        if (dot < 0 || name.Length - dot - 1 is 0 or > 11) return false;
        var extension = name[(dot + 1)..];
        Span<char> lower = stackalloc char[extension.Length];
        for (var i = 0; i < extension.Length; i++) lower[i] = (char)(extension[i] is >= (byte)'A' and <= (byte)'Z' ? extension[i] | 0x20 : extension[i]);
        return Lookup.Contains(lower);
    }
}
