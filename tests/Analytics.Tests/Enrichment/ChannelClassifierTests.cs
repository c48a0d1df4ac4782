using Analytics.Enrichment.Channels;
using Xunit;

namespace Analytics.Tests.Enrichment;

/// <summary>The channel and source rules of DESIGN.md, one case per rule.</summary>
public class ChannelClassifierTests
{
    private static readonly string[] ShopDomains = ["shop.example"];

    private static (string Channel, string Source) Classify(string url, string? referrer, string[]? domains = null)
    {
        var result = ChannelClassifier.Classify(Campaign.FromUrl(url), referrer, url, domains ?? ShopDomains);
        return (result.Channel.ToStorageName(), result.Source);
    }

    [Theory]
    [InlineData("https://shop.example/", null, "direct", "")]
    [InlineData("https://shop.example/", "", "direct", "")]
    [InlineData("https://shop.example/?utm_campaign=spring", null, "direct", "")]
    [InlineData("https://shop.example/", "https://www.google.com/", "organic_search", "Google")]
    [InlineData("https://shop.example/", "https://www.google.co.uk/search?q=shoes", "organic_search", "Google")]
    [InlineData("https://shop.example/", "https://google.de/", "organic_search", "Google")]
    [InlineData("https://shop.example/", "https://www.bing.com/search?q=x", "organic_search", "Bing")]
    [InlineData("https://shop.example/", "https://duckduckgo.com/", "organic_search", "DuckDuckGo")]
    [InlineData("https://shop.example/", "https://search.yahoo.com/", "organic_search", "Yahoo")]
    [InlineData("https://shop.example/", "https://www.ecosia.org/search?q=x", "organic_search", "Ecosia")]
    [InlineData("https://shop.example/", "https://www.baidu.com/link?url=x", "organic_search", "Baidu")]
    [InlineData("https://shop.example/", "https://yandex.ru/search/", "organic_search", "Yandex")]
    [InlineData("https://shop.example/", "android-app://com.google.android.googlequicksearchbox/", "organic_search", "Google")]
    [InlineData("https://shop.example/", "https://l.facebook.com/l.php?u=x", "social", "Facebook")]
    [InlineData("https://shop.example/", "https://m.facebook.com/", "social", "Facebook")]
    [InlineData("https://shop.example/", "https://www.instagram.com/", "social", "Instagram")]
    [InlineData("https://shop.example/", "https://www.linkedin.com/feed/", "social", "LinkedIn")]
    [InlineData("https://shop.example/", "https://t.co/abc", "social", "X (Twitter)")]
    [InlineData("https://shop.example/", "https://x.com/someone", "social", "X (Twitter)")]
    [InlineData("https://shop.example/", "https://www.pinterest.de/pin/1", "social", "Pinterest")]
    [InlineData("https://shop.example/", "https://old.reddit.com/r/shoes", "social", "Reddit")]
    [InlineData("https://shop.example/", "https://www.youtube.com/watch?v=1", "social", "YouTube")]
    [InlineData("https://shop.example/", "https://www.tiktok.com/@shop", "social", "TikTok")]
    [InlineData("https://shop.example/", "https://mail.google.com/mail/u/0/", "email", "Gmail")]
    [InlineData("https://shop.example/", "https://www.example.org/blog/post", "referral", "example.org")]
    [InlineData("https://shop.example/", "https://WWW.Blog.Example.NET:8443/x", "referral", "blog.example.net")]
    [InlineData("https://shop.example/", "https://google.blogspot.com/", "referral", "google.blogspot.com")]
    public void Referrer_alone_decides_channel_and_source(string url, string? referrer, string channel, string source) =>
        Assert.Equal((channel, source), Classify(url, referrer));

    [Theory]
    [InlineData("https://shop.example/?gclid=abc", null, "paid_search", "Google")]
    [InlineData("https://shop.example/?gbraid=abc", "https://www.google.com/", "paid_search", "Google")]
    [InlineData("https://shop.example/?wbraid=abc", null, "paid_search", "Google")]
    [InlineData("https://shop.example/?msclkid=abc", "https://www.bing.com/", "paid_search", "Bing")]
    [InlineData("https://shop.example/?utm_source=google&utm_medium=cpc", null, "paid_search", "Google")]
    [InlineData("https://shop.example/?utm_source=bing&utm_medium=ppc", null, "paid_search", "Bing")]
    [InlineData("https://shop.example/?utm_medium=paid_search", "https://www.google.com/", "paid_search", "Google")]
    [InlineData("https://shop.example/?utm_source=facebook&utm_medium=paid", null, "paid_social", "Facebook")]
    [InlineData("https://shop.example/?utm_source=ig&utm_medium=cpc", null, "paid_social", "Instagram")]
    [InlineData("https://shop.example/?utm_source=linkedin&utm_medium=paid-social", null, "paid_social", "LinkedIn")]
    [InlineData("https://shop.example/?utm_source=partner&utm_medium=paidsocial", null, "paid_social", "partner")]
    public void Paid_traffic_is_told_by_click_ids_and_paid_mediums(string url, string? referrer, string channel, string source) =>
        Assert.Equal((channel, source), Classify(url, referrer));

    [Theory]
    [InlineData("https://shop.example/?fbclid=IwAR123", null, "social", "Facebook")]
    [InlineData("https://shop.example/?fbclid=IwAR123", "https://l.facebook.com/", "social", "Facebook")]
    [InlineData("https://shop.example/?fbclid=IwAR123", "https://l.instagram.com/", "social", "Instagram")]
    public void Fbclid_alone_names_Facebook_but_is_not_paid(string url, string? referrer, string channel, string source) =>
        Assert.Equal((channel, source), Classify(url, referrer));

    [Theory]
    [InlineData("https://shop.example/?utm_medium=email", null, "email", "Newsletter")]
    [InlineData("https://shop.example/?utm_medium=newsletter&utm_source=spring-mailing", null, "email", "spring-mailing")]
    [InlineData("https://shop.example/?utm_source=newsletter", null, "email", "Newsletter")]
    [InlineData("https://shop.example/?utm_source=facebook&utm_medium=social", null, "social", "Facebook")]
    [InlineData("https://shop.example/?utm_source=partnerblog", null, "referral", "partnerblog")]
    [InlineData("https://shop.example/?utm_source=google&utm_medium=organic", null, "organic_search", "Google")]
    public void Utm_parameters_outrank_the_referrer_and_name_the_source(string url, string? referrer, string channel, string source) =>
        Assert.Equal((channel, source), Classify(url, referrer));

    [Theory]
    [InlineData("https://shop.example/cart", "https://shop.example/p/1", "shop.example")]
    [InlineData("https://shop.example/cart", "https://www.shop.example/p/1", "shop.example")]
    [InlineData("https://shop.example/cart", "https://blog.shop.example/post", "blog.shop.example")]
    [InlineData("https://shop.example/cart?fbclid=x", "https://shop.example/", "shop.example")]
    public void Self_referrals_including_subdomains_are_internal(string url, string referrer, string source) =>
        Assert.Equal(("internal", source), Classify(url, referrer));

    [Fact]
    public void A_lookalike_domain_is_not_a_self_referral()
    {
        Assert.Equal(("referral", "notshop.example"), Classify("https://shop.example/", "https://notshop.example/"));
        Assert.Equal(("referral", "shop.example.evil.net"), Classify("https://shop.example/", "https://shop.example.evil.net/"));
    }

    [Fact]
    public void Without_site_domains_the_page_host_counts_as_the_site()
    {
        Assert.Equal(("internal", "shop.example"), Classify("https://shop.example/b", "https://shop.example/a", []));
        Assert.Equal(("referral", "other.example"), Classify("https://shop.example/b", "https://other.example/a", []));
    }

    [Fact]
    public void A_tagged_link_on_the_own_site_is_still_the_campaign() =>
        Assert.Equal(("email", "Newsletter"), Classify("https://shop.example/?utm_medium=email", "https://shop.example/"));

    [Fact]
    public void Campaign_fields_are_decoded_trimmed_and_bounded()
    {
        var c = Campaign.FromUrl("https://shop.example/?UTM_Source=News+Letter&utm_medium=e%2Dmail&utm_campaign=%20spring%20sale%20" +
                                 "&utm_term=shoes&utm_content=" + new string('x', 500) + "#utm_source=ignored");
        Assert.Equal("News Letter", c.UtmSource);
        Assert.Equal("e-mail", c.UtmMedium);
        Assert.Equal("spring sale", c.UtmCampaign);
        Assert.Equal("shoes", c.UtmTerm);
        Assert.Equal(Campaign.MaxValueLength, c.UtmContent!.Length);
        Assert.Same(Campaign.Empty, Campaign.FromUrl("https://shop.example/?q=1&gclid="));
    }
}
