namespace Analytics.Enrichment.Channels;

/// <summary>The maintained list of search engines, social networks and webmail hosts, matched on host or utm_source.</summary>
/// <remarks>
/// Host entries match the host itself and its subdomains ("facebook.com" covers "l.facebook.com").
/// An entry ending in ".*" ("google.*") matches that label followed by a country or generic ending
/// ("google.de", "www.google.co.uk", "google.com.br"), not any longer name ("google.blogspot.com").
/// The most specific entry wins, so "mail.google.com" (Gmail) beats "google.*" (search).
/// </remarks>
public static class KnownSources
{
    private static readonly (string Name, SourceKind Kind, string[] Hosts, string[] UtmSources)[] Table =
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

    private static readonly Dictionary<string, Source> ByHost = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, Source> ByLabelAnyEnding = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, Source> ByUtmSource = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, Source>.AlternateLookup<ReadOnlySpan<char>> HostLookup;
    private static readonly Dictionary<string, Source>.AlternateLookup<ReadOnlySpan<char>> LabelLookup;

    static KnownSources()
    {
        foreach (var (name, kind, hosts, utmSources) in Table)
        {
            var source = new Source(name, kind);
            foreach (var host in hosts)
            {
                if (host.EndsWith(".*", StringComparison.Ordinal)) ByLabelAnyEnding.Add(host[..^2], source);
                else ByHost.Add(host, source);
            }
            foreach (var utm in utmSources) ByUtmSource.Add(utm, source);
        }
        HostLookup = ByHost.GetAlternateLookup<ReadOnlySpan<char>>();
        LabelLookup = ByLabelAnyEnding.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The known source of a referrer host, or null. No allocation.</summary>
    public static Source? FromHost(ReadOnlySpan<char> host)
    {
        // Exact host, then each parent domain: the longest (most specific) entry wins.
        for (var rest = host; !rest.IsEmpty;)
        {
            if (HostLookup.TryGetValue(rest, out var source)) return source;
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

    /// <summary>The known source named by a utm_source value ("fb", "google", "newsletter"), or null.</summary>
    public static Source? FromUtmSource(string utmSource) =>
        ByUtmSource.TryGetValue(utmSource, out var source) ? source : null;

    private static bool IsCountryOrGenericEnding(ReadOnlySpan<char> ending)
    {
        if (ending.IsEmpty) return false;
        var dot = ending.IndexOf('.');
        if (dot < 0) return true;                                   // de, com, fr
        return dot <= 3 && ending[(dot + 1)..].IndexOf('.') < 0;    // co.uk, com.br
    }
}
