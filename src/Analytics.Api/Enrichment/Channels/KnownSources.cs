namespace Analytics.Enrichment.Channels;

/// <summary>Search engines, social networks, webmail and ad servers, matched on a referrer or a utm_source value.</summary>
/// <remarks>
/// The maintained <see cref="ReferrerDatabase"/> first; <see cref="Additions"/> only adds what it lacks (newer
/// networks, app ids, "label.*" rules) and the utm_source spellings people use.
/// Host entries match the host itself and its subdomains ("facebook.com" covers "l.facebook.com"); an entry
/// with a path ("google.de/imgres") matches only under that path. An entry ending in ".*" ("google.*") matches
/// that label followed by a country or generic ending ("google.de", "www.google.co.uk", "google.com.br"), not
/// any longer name ("google.blogspot.com"). The most specific entry wins, so "mail.google.com" (Gmail) beats
/// "google.*" (search).
/// </remarks>
public static class KnownSources
{
    private static readonly (string Name, SourceKind Kind, string[] Hosts, string[] UtmSources)[] Additions =
    [
        ("Google", SourceKind.Search, ["google.*", "com.google.android.googlequicksearchbox"], ["google"]),
        ("Bing", SourceKind.Search, ["bing.com"], ["bing", "microsoft ads"]),
        ("DuckDuckGo", SourceKind.Search, ["duckduckgo.com"], ["duckduckgo", "ddg"]),
        ("Yahoo", SourceKind.Search, ["yahoo.*", "search.yahoo.com"], ["yahoo"]),
        ("Ecosia", SourceKind.Search, ["ecosia.org"], ["ecosia"]),
        ("Baidu", SourceKind.Search, ["baidu.com"], ["baidu"]),
        ("Yandex", SourceKind.Search, ["yandex.*", "ya.ru"], ["yandex"]),
        ("Qwant", SourceKind.Search, ["qwant.com"], ["qwant"]),
        ("Startpage", SourceKind.Search, ["startpage.com"], ["startpage"]),
        ("Brave Search", SourceKind.Search, ["search.brave.com"], ["brave"]),
        ("Naver", SourceKind.Search, ["naver.com"], ["naver"]),
        ("Seznam", SourceKind.Search, ["seznam.cz"], ["seznam"]),
        ("AOL", SourceKind.Search, ["search.aol.com"], ["aol"]),
        ("Ask", SourceKind.Search, ["ask.com"], ["ask"]),

        ("Facebook", SourceKind.Social, ["facebook.com", "fb.com", "fb.me", "com.facebook.katana"], ["facebook", "fb", "meta"]),
        ("Instagram", SourceKind.Social, ["instagram.com", "com.instagram.android"], ["instagram", "ig"]),
        ("LinkedIn", SourceKind.Social, ["linkedin.com", "lnkd.in", "com.linkedin.android"], ["linkedin", "li"]),
        ("X (Twitter)", SourceKind.Social, ["twitter.com", "x.com", "t.co"], ["twitter", "x", "x.com"]),
        ("Pinterest", SourceKind.Social, ["pinterest.*", "pin.it"], ["pinterest"]),
        ("Reddit", SourceKind.Social, ["reddit.com", "redd.it"], ["reddit"]),
        ("YouTube", SourceKind.Social, ["youtube.com", "youtu.be", "com.google.android.youtube"], ["youtube", "yt"]),
        ("TikTok", SourceKind.Social, ["tiktok.com"], ["tiktok"]),
        ("Threads", SourceKind.Social, ["threads.net", "threads.com"], ["threads"]),
        ("Bluesky", SourceKind.Social, ["bsky.app"], ["bluesky", "bsky"]),
        ("Xing", SourceKind.Social, ["xing.com"], ["xing"]),
        ("VK", SourceKind.Social, ["vk.com"], ["vk"]),
        ("Snapchat", SourceKind.Social, ["snapchat.com"], ["snapchat"]),
        ("Tumblr", SourceKind.Social, ["tumblr.com"], ["tumblr"]),
        ("Quora", SourceKind.Social, ["quora.com"], ["quora"]),
        ("WhatsApp", SourceKind.Social, ["whatsapp.com", "wa.me"], ["whatsapp"]),
        ("Telegram", SourceKind.Social, ["t.me", "telegram.org"], ["telegram"]),

        ("Gmail", SourceKind.Email, ["mail.google.com", "com.google.android.gm"], ["gmail"]),
        ("Outlook", SourceKind.Email, ["outlook.live.com", "outlook.office.com", "outlook.office365.com"], ["outlook"]),
        ("Yahoo Mail", SourceKind.Email, ["mail.yahoo.com"], []),
        ("Newsletter", SourceKind.Email, [], ["newsletter", "email", "e-mail", "mail", "mailchimp", "brevo", "sendinblue"]),
    ];

    private sealed class HostSources
    {
        public Source? AnyPath;
        public List<(string Path, Source Source)> Paths = [];
    }

    private static readonly Dictionary<string, HostSources> ByHost = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, Source> ByLabelAnyEnding = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, Source> ByUtmSource = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, HostSources>.AlternateLookup<ReadOnlySpan<char>> HostLookup;
    private static readonly Dictionary<string, Source>.AlternateLookup<ReadOnlySpan<char>> LabelLookup;

    static KnownSources()
    {
        foreach (var entry in ReferrerDatabase.Entries) Add(entry.Host, entry.Path, entry.Source);
        foreach (var (name, kind, hosts, utmSources) in Additions)
        {
            var source = new Source(name, kind);
            foreach (var host in hosts)
            {
                if (host.EndsWith(".*", StringComparison.Ordinal)) ByLabelAnyEnding.Add(host[..^2], source);
                else Add(host, "", source);
            }
            foreach (var utm in utmSources) ByUtmSource.Add(utm, source);
        }

        // A utm_source may also be a source's name ("Reddit", "Vkontakte"): searches first, ad servers last.
        foreach (var kind in new[] { SourceKind.Search, SourceKind.Social, SourceKind.Email, SourceKind.Unknown, SourceKind.Advertising })
        foreach (var entry in ReferrerDatabase.Entries)
        {
            if (entry.Source.Kind != kind) continue;
            ByUtmSource.TryAdd(entry.Source.Name, entry.Source);
            ByUtmSource.TryAdd(entry.DatabaseName, entry.Source);
        }

        foreach (var sources in ByHost.Values) sources.Paths.Sort((a, b) => b.Path.Length.CompareTo(a.Path.Length));
        HostLookup = ByHost.GetAlternateLookup<ReadOnlySpan<char>>();
        LabelLookup = ByLabelAnyEnding.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Loads the database now rather than on the first event.</summary>
    public static void Warm() => _ = ByHost.Count;

    /// <summary>Adds an entry unless one for the same host and path is there: the first (the database) wins.</summary>
    private static void Add(string host, string path, Source source)
    {
        if (!ByHost.TryGetValue(host, out var sources)) ByHost.Add(host, sources = new HostSources());
        if (path.Length == 0) sources.AnyPath ??= source;
        else if (!sources.Paths.Exists(p => p.Path == path)) sources.Paths.Add((path, source));
    }

    /// <summary>The known source of a referrer host, or null. No allocation.</summary>
    public static Source? FromHost(ReadOnlySpan<char> host) => FromReferrer(host, default);

    /// <summary>The known source of a referrer's host and path ("/imgres"), or null. No allocation.</summary>
    public static Source? FromReferrer(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        // Exact host, then each parent domain: the longest (most specific) entry wins.
        for (var rest = host; !rest.IsEmpty;)
        {
            if (HostLookup.TryGetValue(rest, out var sources))
            {
                foreach (var (prefix, source) in sources.Paths)
                    if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return source;
                if (sources.AnyPath is { } any) return any;
            }
            var dot = rest.IndexOf('.');
            if (dot < 0) break;
            rest = rest[(dot + 1)..];
        }

        // "label.*" entries: the label must be followed by one ending ("de") or a short pair ("co.uk").
        for (var start = 0; start < host.Length;)
        {
            var rest = host[start..];
            var dot = rest.IndexOf('.');
            if (dot < 0) break;
            if (LabelLookup.TryGetValue(rest[..dot], out var source) && IsCountryOrGenericEnding(rest[(dot + 1)..]))
                return source;
            start += dot + 1;
        }
        return null;
    }

    /// <summary>
    /// The known source named by a utm_source value: a spelling people use ("fb", "newsletter"), a source's
    /// name ("Reddit"), or a host ("news.ycombinator.com"); else null.
    /// </summary>
    public static Source? FromUtmSource(string utmSource)
    {
        if (ByUtmSource.TryGetValue(utmSource, out var source)) return source;
        return utmSource.Contains('.') ? FromHost(UrlParts.Host(utmSource)) : null;
    }

    private static bool IsCountryOrGenericEnding(ReadOnlySpan<char> ending)
    {
        if (ending.IsEmpty) return false;
        var dot = ending.IndexOf('.');
        if (dot < 0) return true;                                   // de, com, fr
        return dot <= 3 && ending[(dot + 1)..].IndexOf('.') < 0;    // co.uk, com.br
    }
}
