using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Crm.Surveys;

/// <summary>
/// The 360-degree view's survey_answers on both engines: a customer's answers and ratings from its devices (a shared
/// device's by the link at the time), newest first, with its own free text; nobody else's.
/// </summary>
public abstract class CustomerSurveysViewTests(ApiFactory api)
{
    static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 1000;
    const long Minute = 60_000;
    static readonly object Consented = new { analytics = true, marketing = false };

    static object Answer(string vid, long ts, string question, int? score, string? choice = null, string? text = null) =>
        new { type = "survey_answer", url = "https://view.example/", ts, vid, consent = Consented, survey = "nps", question, score, choice, text };

    static object Rating(string vid, long ts, string subject, int stars) =>
        new { type = "rating", url = "https://view.example/p", ts, vid, consent = Consented, subject, stars };

    async Task<JsonElement> ViewAsync(string key, string customer)
    {
        var response = await api.Admin().GetAsync($"/api/customers/{customer}?site={key}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    static string Describe(JsonElement item)
    {
        string? Text(string name) => item.TryGetProperty(name, out var v) ? v.ToString() : null;
        return $"{Text("type")} {item.GetProperty("ts").GetDateTimeOffset().ToUnixTimeMilliseconds()} {Text("visitor_id")} survey={Text("survey")} "
            + $"question={Text("question")} score={Text("score")} choice={Text("choice")} subject={Text("subject")} stars={Text("stars")} text={Text("text")}";
    }

    [Fact]
    public async Task The_view_lists_the_customers_own_answers_and_ratings_with_their_free_text_newest_first()
    {
        var key = await api.CreateSiteAsync("view.example");
        var site = await api.SiteIdAsync(key);
        await SessionData.InsertAsync(api.ClickHouse,
        [
            SessionData.Link(site, "s-phone", "C-s", Now - 3 * 3600_000), SessionData.Link(site, "s-laptop", "C-s", Now - 3 * 3600_000),
            SessionData.Link(site, "shared", "C-s", Now - 2 * 3600_000), SessionData.Link(site, "shared", "C-x", Now - 20 * Minute),
        ]);
        var events = new[]
        {
            Answer("s-phone", Now - 50 * Minute, "recommend", 3, text: "too slow"),
            Rating("s-laptop", Now - 40 * Minute, "sku-9", 5),
            Answer("s-laptop", Now - 30 * Minute, "reason", null, choice: "price"),
            Answer("shared", Now - 25 * Minute, "recommend", 10),
            Answer("shared", Now - 10 * Minute, "recommend", 0, text: "someone else's words"),
            Answer("anon-v", Now - 10 * Minute, "recommend", 7, text: "a stranger's words"),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/collect")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { site = key, events }), Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        Assert.Equal(HttpStatusCode.Accepted, (await api.CreateClient().SendAsync(request)).StatusCode);
        Assert.Equal(6, await api.WaitForRowsAsync(Sql.Query($"site_id = {site} AND is_bot = 0"), 6));
        await Eventually.UntilAsync(async () => (await api.ClickHouse.QueryFirstOrDefaultAsync(
            Sql.Query($"SELECT count() AS n FROM survey_texts WHERE site_id = {site}"), StorageJson.Default.CountRow))!.N == 3, TimeSpan.FromSeconds(30), "three texts");

        var mine = (await ViewAsync(key, "C-s")).GetProperty("survey_answers").EnumerateArray().Select(Describe).ToList();
        Assert.Equal(
        [
            $"survey_answer {Now - 25 * Minute} shared survey=nps question=recommend score=10 choice= subject= stars= text=",
            $"survey_answer {Now - 30 * Minute} s-laptop survey=nps question=reason score= choice=price subject= stars= text=",
            $"rating {Now - 40 * Minute} s-laptop survey= question= score= choice= subject=sku-9 stars=5 text=",
            $"survey_answer {Now - 50 * Minute} s-phone survey=nps question=recommend score=3 choice= subject= stars= text=too slow",
        ], mine);
        var theirs = (await ViewAsync(key, "C-x")).GetProperty("survey_answers").EnumerateArray().Select(Describe).ToList();
        Assert.Equal([$"survey_answer {Now - 10 * Minute} shared survey=nps question=recommend score=0 choice= subject= stars= text=someone else's words"], theirs);
    }
}

public sealed class CustomerSurveysViewTestsEmbedded(EmbeddedApi api) : CustomerSurveysViewTests(api), IClassFixture<EmbeddedApi>;
public sealed class CustomerSurveysViewTestsServer(ServerApi api) : CustomerSurveysViewTests(api), IClassFixture<ServerApi>;
