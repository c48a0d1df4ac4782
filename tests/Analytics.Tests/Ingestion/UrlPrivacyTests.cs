using Analytics.Ingestion;
using Analytics.Sites;

namespace Analytics.Tests.Ingestion;

/// <summary>What of a URL, a referrer and a title is stored: pure rules, no storage.</summary>
public sealed class UrlPrivacyTests
{
    static readonly Site Shop = new("id", "key", "Shop", ["shop.example"], "UTC", 395, DateTimeOffset.UnixEpoch) { QueryParams = ["id", "token", "color"] };

    static string Page(string url, params string[] siteParams) => UrlPrivacy.Page(new Uri(url), siteParams);

    [Theory]
    [InlineData("https://shop.example/p/1", "https://shop.example/p/1")]
    [InlineData("https://shop.example/p/1?email=jane%40example.com", "https://shop.example/p/1")]
    [InlineData("https://shop.example/cb#access_token=abc&state=1", "https://shop.example/cb")]
    [InlineData("https://shop.example/?token=t1&utm_source=news&q=shoes&gclid=g1#top", "https://shop.example/?utm_source=news&gclid=g1")]
    [InlineData("https://shop.example/?UTM_Medium=email&FBCLID=f&msclkid=m&gbraid=b&wbraid=w&ttclid=t", "https://shop.example/?UTM_Medium=email&FBCLID=f&msclkid=m&gbraid=b&wbraid=w&ttclid=t")]
    [InlineData("https://jane:hunter2@shop.example:8443/a/b?page=2", "https://shop.example:8443/a/b")]
    [InlineData("https://shop.example/?utm_email=jane%40example.com&utm_campaign=spring", "https://shop.example/?utm_campaign=spring")]
    [InlineData("https://shop.example/?&&utm_source=x&&", "https://shop.example/?utm_source=x")]
    [InlineData("https://shop.example/?utm_content=jane.doe%40example.com&utm_term=a+b%40c.org&utm_source=@news", "https://shop.example/?utm_source=@news")]
    public void A_page_keeps_its_path_and_only_utm_and_click_ids(string url, string stored) => Assert.Equal(stored, Page(url));

    [Fact]
    public void The_sites_own_parameters_are_kept_but_never_one_that_looks_like_a_secret()
    {
        Assert.Equal("https://shop.example/product.html?id=3&utm_source=x",
            Page("https://shop.example/product.html?id=3&session_id=s&utm_source=x&token=t&ref=y", "id", "token", "session_id"));
        Assert.Equal("https://shop.example/p?ID=3", Page("https://shop.example/p?ID=3", "id"));
    }

    [Theory]
    [InlineData("https://shop.example/p?utm_source=news&q=shoes#top", "https://shop.example/p?utm_source=news&q=shoes")]
    [InlineData("https://shop.example/p?utm_content=jane%40example.com&gclid=g&ref=x@y.org", "https://shop.example/p?gclid=g")]
    [InlineData("https://shop.example/@jane/p?a=1", "https://shop.example/@jane/p?a=1")]
    [InlineData("https://shop.example/p", "https://shop.example/p")]
    public void The_enrichment_reads_every_parameter_but_those_holding_an_email_address(string url, string read) =>
        Assert.Equal(read, UrlPrivacy.ForEnrichment(url));

    [Theory]
    [InlineData("email")]
    [InlineData("E-Mail")]
    [InlineData("userEmail")]
    [InlineData("mail")]
    [InlineData("token")]
    [InlineData("access_token")]
    [InlineData("refreshToken")]
    [InlineData("password")]
    [InlineData("passwd")]
    [InlineData("pass")]
    [InlineData("key")]
    [InlineData("api_key")]
    [InlineData("apiKey")]
    [InlineData("secret")]
    [InlineData("client_secret")]
    [InlineData("auth")]
    [InlineData("authorization")]
    [InlineData("code")]
    [InlineData("auth_code")]
    [InlineData("session")]
    [InlineData("sessionid")]
    [InlineData("sid")]
    [InlineData("PHPSESSID")]
    [InlineData("e%6Dail")]
    [InlineData("to%6Ben")]
    public void Names_that_contain_a_secret_word_look_like_secrets(string name) => Assert.True(UrlPrivacy.LooksSecret(name));

    [Theory]
    [InlineData("utm_source")]
    [InlineData("utm_medium")]
    [InlineData("utm_campaign")]
    [InlineData("utm_term")]
    [InlineData("utm_content")]
    [InlineData("utm_id")]
    [InlineData("utm_source_platform")]
    [InlineData("utm_creative_format")]
    [InlineData("utm_marketing_tactic")]
    [InlineData("id")]
    [InlineData("page")]
    [InlineData("q")]
    public void Campaign_and_ordinary_names_do_not(string name)
    {
        Assert.False(UrlPrivacy.LooksSecret(name));
        foreach (var clickId in UrlPrivacy.ClickIds) Assert.False(UrlPrivacy.LooksSecret(clickId), clickId);
    }

    [Theory]
    [InlineData("https://www.google.com/search?q=jane+doe&sxsrf=x#frag", "https://www.google.com/search")]
    [InlineData("https://partner.example/login?token=abc", "https://partner.example/login")]
    [InlineData("https://user:pw@partner.example/", "https://partner.example/")]
    [InlineData("https://shop.example/cart?id=3&email=j%40x.org&utm_source=a#x", "https://shop.example/cart?id=3&utm_source=a")]
    [InlineData("https://www.shop.example/p?color=red&q=x", "https://www.shop.example/p?color=red")]
    [InlineData("https://127.0.0.1:5080/p?color=red", "https://127.0.0.1:5080/p?color=red")]
    [InlineData("android-app://com.google.android.gm/", "")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void An_external_referrer_keeps_origin_and_path_an_internal_one_is_stored_like_a_page(string? referrer, string stored) =>
        Assert.Equal(stored, UrlPrivacy.Referrer(referrer, "127.0.0.1", Shop));

    [Theory]
    [InlineData("Trail Runner – Shop", "Trail Runner – Shop")]
    [InlineData("Account of jane.doe+shop@example.co.uk", "Account of [email]")]
    [InlineData("Reset ?token=abc123&step=2", "Reset ?token=[redacted]&step=2")]
    [InlineData("Search: size=42", "Search: size=42")]
    [InlineData("@home", "@home")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void A_title_is_kept_without_email_addresses_or_secret_values(string? title, string stored) =>
        Assert.Equal(stored, UrlPrivacy.Title(title));
}
