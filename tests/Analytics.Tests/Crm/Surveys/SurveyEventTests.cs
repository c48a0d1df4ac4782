using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Privacy;
using Analytics.Tests.Sites;
using static Analytics.Tests.Import.ImportClient;

namespace Analytics.Tests.Crm.Surveys;

/// <summary>
/// survey_answer and rating events on both engines: per-field rejections, the answer's fields stored with the event, and
/// the free text only with analytics consent, apart in survey_texts, never in the events table; erasure and export reach it.
/// </summary>
public abstract class SurveyEventTests(ApiFactory api)
{
    static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
    static readonly object Consented = new { analytics = true, marketing = false };
    const string Url = "https://survey.example/thanks";

    static Dictionary<string, object?> Answer(params (string Key, object? Value)[] fields)
    {
        var e = new Dictionary<string, object?> { ["type"] = "survey_answer", ["url"] = Url, ["survey"] = "nps", ["question"] = "recommend", ["score"] = 9 };
        foreach (var (key, value) in fields)
            if (value is Missing) e.Remove(key);
            else e[key] = value;
        return e;
    }

    static Dictionary<string, object?> Rating(params (string Key, object? Value)[] fields)
    {
        var e = new Dictionary<string, object?> { ["type"] = "rating", ["url"] = Url, ["subject"] = "sku-1", ["stars"] = 4 };
        foreach (var (key, value) in fields)
            if (value is Missing) e.Remove(key);
            else e[key] = value;
        return e;
    }

    sealed class Missing;
    static readonly Missing Absent = new();

    async Task<JsonElement> CollectAsync(string key, IEnumerable<object> events)
    {
        var body = new StringContent(JsonSerializer.Serialize(new { site = key, events }), Encoding.UTF8, "application/json");
        var response = await api.CreateClient().PostAsync("/api/collect", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    async Task<List<JsonElement>> RowsAsync(string table, string siteId) =>
        await api.ClickHouse.QueryListAsync(Sql.Query($"SELECT * FROM {new SqlIdentifier(table)} WHERE site_id = {siteId}"), StorageJson.Default.JsonElement);

    async Task<List<JsonElement>> WaitForTextsAsync(string siteId, int count)
    {
        List<JsonElement> texts = [];
        await Eventually.UntilAsync(async () => (texts = await RowsAsync("survey_texts", siteId)).Count >= count, TimeSpan.FromSeconds(30), $"{count} survey texts");
        return texts;
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { """{"score": 11}""", "score" },
        { """{"score": -1}""", "score" },
        { """{"score": 7.5}""", "score" },
        { """{"score": "seven"}""", "score" },
        { """{"score": null}""", "score" },
        { """{"choice": "price"}""", "score" },
        { """{"survey": null}""", "survey" },
        { """{"survey": 3}""", "survey" },
        { """{"question": ""}""", "question" },
        { """{"score": null, "choice": ""}""", "choice" },
        { """{"text": 42}""", "text" },
        { """{"type": "rating", "stars": 0}""", "stars" },
        { """{"type": "rating", "stars": 6}""", "stars" },
        { """{"type": "rating", "stars": 4.5}""", "stars" },
        { """{"type": "rating", "stars": null}""", "stars" },
        { """{"type": "rating", "subject": ""}""", "subject" },
        { """{"type": "rating", "subject": null}""", "subject" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_bad_field_rejects_that_event_alone_naming_the_field(string overrides, string field)
    {
        var key = await api.CreateSiteAsync("survey.example");
        var bad = Answer();
        foreach (var p in JsonDocument.Parse(overrides).RootElement.EnumerateObject())
        {
            if (p.Name == "type" && p.Value.GetString() == "rating") bad = Rating();
            else bad[p.Name] = p.Value.Clone();
        }
        var answer = await CollectAsync(key, [Answer(), bad, Rating()]);
        Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(answer.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Contains(field, rejected.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task Survey_fields_on_other_types_are_ignored_as_unknown_fields_were_before()
    {
        var key = await api.CreateSiteAsync("survey.example");
        var answer = await CollectAsync(key, [new { type = "pageview", url = Url, score = "not a number", stars = 99, text = "ignored" }]);
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Free_text_is_stored_apart_with_analytics_consent_dropped_without_and_never_in_the_events_table()
    {
        var key = await api.CreateSiteAsync("survey.example");
        var siteId = await api.SiteIdAsync(key);
        var ts = Now - 60_000;
        const string Kept = "The delivery was late but the shoes are great";
        const string Dropped = "I did not consent to this text being kept";
        // One batch: one frame of texts, so once the kept text is stored a dropped one would be too.
        var answer = await CollectAsync(key,
        [
            Answer(("ts", ts), ("vid", "v-yes"), ("consent", Consented), ("customer_id", "C-1"), ("text", Kept)),
            Answer(("ts", ts), ("vid", "v-no"), ("score", Absent), ("choice", "price"), ("text", Dropped)),
            Answer(("ts", ts), ("vid", "v-refused"), ("consent", new { analytics = false, marketing = true }), ("text", Dropped)),
            Rating(("ts", ts), ("vid", "v-yes"), ("consent", Consented), ("text", Dropped)),
        ]);
        Assert.Equal(4, answer.GetProperty("accepted").GetInt32());

        var text = Assert.Single(await WaitForTextsAsync(siteId, 1));
        Assert.Equal(Kept, text.GetProperty("text").GetString());
        Assert.Equal(("v-yes", "C-1", "nps", "recommend"), (text.GetProperty("vid").GetString(), text.GetProperty("customer_id").GetString(),
            text.GetProperty("survey").GetString(), text.GetProperty("question").GetString()));

        Assert.Equal(4, await api.WaitForRowsAsync(Sql.Query($"site_id = {siteId}"), 4));
        var events = await RowsAsync("events", siteId);
        Assert.All(events, e => Assert.DoesNotContain(Kept, e.GetRawText()));
        Assert.All(events, e => Assert.DoesNotContain(Dropped, e.GetRawText()));
        var kept = Assert.Single(events, e => e.GetProperty("event_id").GetString() == text.GetProperty("event_id").GetString());
        Assert.Equal(["survey", "question", "score"], kept.GetProperty("props_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["nps", "recommend", "9"], kept.GetProperty("props_values").EnumerateArray().Select(k => k.GetString()));
        var choice = Assert.Single(events, e => e.GetProperty("props_keys").EnumerateArray().Any(k => k.GetString() == "choice"));
        Assert.Equal(["nps", "recommend", "price"], choice.GetProperty("props_values").EnumerateArray().Select(k => k.GetString()));
        var rating = Assert.Single(events, e => e.GetProperty("type").GetString() == "rating");
        Assert.Equal(["subject", "stars"], rating.GetProperty("props_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["sku-1", "4"], rating.GetProperty("props_values").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task An_answer_in_an_events_import_keeps_its_consented_text_apart_too()
    {
        var key = await api.CreateSiteAsync("survey.example");
        var siteId = await api.SiteIdAsync(key);
        var ts = Now - 2 * 86_400_000L;
        var body = string.Join('\n',
            JsonSerializer.Serialize(Answer(("ts", ts), ("vid", "v-imp"), ("consent", Consented), ("text", "imported words"))),
            JsonSerializer.Serialize(Answer(("ts", ts + 1000), ("vid", "v-imp"), ("text", "dropped words"))),
            JsonSerializer.Serialize(Rating(("ts", ts), ("stars", 9))));
        var report = await PostAsync(api, $"/api/import/events?site={key}", Text(body, "application/x-ndjson"));
        Assert.Equal(2, report.GetProperty("imported").GetInt64());
        var text = Assert.Single(await WaitForTextsAsync(siteId, 1));
        Assert.Equal("imported words", text.GetProperty("text").GetString());
        var stored = await api.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT toUInt64(toUnixTimestamp(ts)) AS n FROM survey_texts WHERE site_id = {siteId}"),
            StorageJson.Default.CountRow);
        Assert.Equal(ts / 1000, stored!.N); // the event's own time
    }

    [Fact]
    public async Task An_erasure_removes_the_subjects_texts_and_an_access_export_holds_them()
    {
        var key = await api.CreateSiteAsync("survey.example");
        var siteId = await api.SiteIdAsync(key);
        var officer = await Users.CreateAsync(api, "privacy_officer");
        await Users.AddMemberAsync(api, key, officer.Id);
        var client = api.As(officer.Token);
        var ts = Now - 60_000;
        await CollectAsync(key,
        [
            Answer(("ts", ts), ("vid", "gone-phone"), ("consent", Consented), ("text", "erase me")),
            Answer(("ts", ts), ("vid", "kept-phone"), ("consent", Consented), ("text", "keep me")),
        ]);
        await WaitForTextsAsync(siteId, 2);

        var access = await PrivacySubjects.WaitDoneAsync(client, (await PrivacySubjects.CreateAsync(client, new { type = "access", site = key, visitor_id = "gone-phone" }))
            .GetProperty("id").GetString()!);
        Assert.Equal(1, PrivacySubjects.Tables(access)["survey_texts"].GetProperty("found").GetInt64());
        var export = await client.GetFromJsonAsync<JsonElement>($"/api/privacy/requests/{access.GetProperty("id").GetString()}/export");
        Assert.Equal(["erase me"], export.GetProperty("tables").GetProperty("survey_texts").EnumerateArray().Select(t => t.GetProperty("text").GetString()));

        var erasure = await PrivacySubjects.WaitDoneAsync(client, (await PrivacySubjects.CreateAsync(client, new { type = "erasure", site = key, visitor_id = "gone-phone" }))
            .GetProperty("id").GetString()!);
        Assert.True(erasure.GetProperty("status").GetString() == "completed", erasure.ToString());
        Assert.Equal(1, PrivacySubjects.Tables(erasure)["survey_texts"].GetProperty("deleted").GetInt64());
        Assert.Equal(["keep me"], (await RowsAsync("survey_texts", siteId)).Select(t => t.GetProperty("text").GetString()));
    }
}

public sealed class SurveyEventTestsEmbedded(EmbeddedApi api) : SurveyEventTests(api), IClassFixture<EmbeddedApi>;
public sealed class SurveyEventTestsServer(ServerApi api) : SurveyEventTests(api), IClassFixture<ServerApi>;
