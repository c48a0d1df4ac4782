using System.Globalization;
using System.Text.Json;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Reports;
using Analytics.Tests.Sessions;

namespace Analytics.Tests.Crm.Surveys;

/// <summary>
/// GET /api/reports/surveys over generated answers and ratings on both engines (site in Europe/Berlin): NPS per question
/// and the average rating per week, for all answers and by the person's A/B/C class and RFM segment and the session's channel, each
/// expected number computed here from the definitions (docs/crm-analytics.md "Surveys and ratings").
/// </summary>
public abstract class SurveysReportTests(ApiFactory api)
{
    static readonly TimeZoneInfo Berlin = ReportData.Berlin;
    const string Range = "from=2026-03-01&to=2026-03-31";
    const long Minute = 60_000;
    static readonly string[] Channels = ["direct", "organic_search", "email", "social"];
    static readonly string[] Questions = ["recommend", "support"];

    /// <summary>An answer as the test knows it: who, when, its session's channel, and its fields.</summary>
    sealed record Given(string Vid, long TsMs, string Channel, string Country, string Type, string Question, int? Score, int? Stars);

    sealed class Traffic
    {
        public List<EventRow> Events { get; } = [];
        public List<IdentityLinkRow> Links { get; } = [];
        public List<Given> Answers { get; } = [];
        public Dictionary<string, double> Revenue { get; } = [];
        public Dictionary<string, List<(long TsMs, double Revenue)>> Orders { get; } = [];
    }

    static long Local(int month, int day, int hour, int minute) =>
        new DateTimeOffset(new DateTime(2026, month, day, hour, minute, 0), Berlin.GetUtcOffset(new DateTime(2026, month, day, hour, minute, 0))).ToUnixTimeMilliseconds();

    static EventRow Answer(string site, Given a)
    {
        var row = ReportData.Event(site, a.Vid, a.TsMs, a.Type, "/thanks", a.Country, "desktop", "internal", true);
        void Prop(string key, string value) { row.PropsKeys.Add(key); row.PropsValues.Add(value); }
        if (a.Type == "rating")
        {
            Prop("subject", "sku-" + (a.Stars % 3));
            Prop("stars", a.Stars!.Value.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            Prop("survey", "nps");
            Prop("question", a.Question);
            if (a.Score is { } score) Prop("score", score.ToString(CultureInfo.InvariantCulture));
            else Prop("choice", "price");
        }
        Prop("page_prop", "x"); // a page's own props come after the answer's
        return row;
    }

    static Traffic Generate(string site)
    {
        var random = new Random(19);
        var data = new Traffic();
        var order = 0;
        var visitors = Enumerable.Range(1, 24).Select(i => $"d-c{i:00}").Concat(Enumerable.Range(1, 10).Select(i => $"anon{i:00}")).ToList();
        foreach (var vid in visitors)
        {
            var customer = vid.StartsWith("d-") ? vid[2..] : null;
            if (customer is not null) data.Links.Add(SessionData.Link(site, vid, customer, Local(2, 1, 12, 0)));
            foreach (var day in Enumerable.Range(2, 27).OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                var t = Local(3, day, random.Next(8, 21), random.Next(0, 60));
                var channel = Channels[random.Next(Channels.Length)];
                var country = random.Next(3) == 0 ? "AT" : "DE";
                data.Events.Add(ReportData.Event(site, vid, t, "pageview", "/", country, "desktop", channel, true));
                for (var i = random.Next(0, 3); i > 0; i--)
                    data.Events.Add(ReportData.Event(site, vid, t += random.Next(1, 5) * Minute, "pageview", "/shoes", country, "desktop", "internal", true));
                if (customer is not null && random.Next(3) > 0)
                {
                    var buy = ReportData.Event(site, vid, t += Minute, "purchase", "/checkout", country, "desktop", "internal", true);
                    (buy.OrderId, buy.Revenue, buy.Currency, buy.CustomerId) = ($"o{order++}", random.Next(1, 60) * 10, "EUR", customer);
                    data.Revenue[customer] = data.Revenue.GetValueOrDefault(customer) + buy.Revenue;
                    (data.Orders.TryGetValue(customer, out var orders) ? orders : data.Orders[customer] = []).Add((buy.TsMs, buy.Revenue));
                    data.Events.Add(buy);
                }
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    t += random.Next(1, 5) * Minute;
                    var given = random.Next(6) switch
                    {
                        0 => new Given(vid, t, channel, country, "rating", "", null, random.Next(1, 6)),
                        1 => new Given(vid, t, channel, country, "survey_answer", "recommend", null, null), // a choice: not in the NPS
                        _ => new Given(vid, t, channel, country, "survey_answer", Questions[random.Next(2)], random.Next(0, 11), null),
                    };
                    data.Answers.Add(given);
                    data.Events.Add(Answer(site, given));
                }
            }
        }
        // Outside the range, and a bot: never counted.
        data.Events.Add(ReportData.Event(site, "d-c01", Local(2, 27, 10, 0), "pageview", "/", "DE", "desktop", "email", true));
        data.Events.Add(Answer(site, new Given("d-c01", Local(2, 27, 10, 5), "email", "DE", "survey_answer", "recommend", 0, null)));
        data.Events.Add(Answer(site, new Given("d-c01", Local(4, 1, 10, 5), "email", "DE", "rating", "", null, 1)));
        var bot = Answer(site, new Given("bot", Local(3, 10, 10, 0), "direct", "DE", "survey_answer", "recommend", 0, null));
        bot.IsBot = true;
        data.Events.Add(bot);
        return data;
    }

    /// <summary>A/B/C by DESIGN.md: walking down the revenue ranking, A while the revenue above is below 80 % of the total, B below 95 %, else C.</summary>
    static Dictionary<string, string> Classes(Dictionary<string, double> revenue)
    {
        var total = revenue.Values.Sum();
        return revenue.ToDictionary(r => r.Key, r =>
        {
            var above = revenue.Values.Where(v => v > r.Value).Sum();
            return above < 0.8 * total ? "A" : above < 0.95 * total ? "B" : "C";
        });
    }

    /// <summary>
    /// RFM by docs/crm-analytics.md "RFM": customers with an order in the range; each of recency (last order, in seconds),
    /// frequency (orders) and monetary (revenue) scores 1 + ⌊5 · below / N⌋, below = customers with a strictly smaller
    /// value; the segment from the documented table by R and ⌈(F + M) / 2⌉.
    /// </summary>
    static Dictionary<string, string> Segments(Dictionary<string, List<(long TsMs, double Revenue)>> orders)
    {
        var facts = orders.ToDictionary(o => o.Key, o => (Last: (double)o.Value.Max(x => x.TsMs / 1000), Count: (double)o.Value.Count,
            Money: Math.Round(o.Value.Sum(x => x.Revenue), 2)));
        int Score(Func<(double Last, double Count, double Money), double> value, string customer) =>
            1 + 5 * facts.Values.Count(f => value(f) < value(facts[customer])) / facts.Count;
        return facts.Keys.ToDictionary(c => c, c => Analytics.Crm.Rfm.RfmSegmentTable.Of(Score(f => f.Last, c), Score(f => f.Count, c), Score(f => f.Money, c)));
    }

    static string ClassOf(Given a, Dictionary<string, string> classes) =>
        a.Vid.StartsWith("d-") ? classes.GetValueOrDefault(a.Vid[2..], "C") : "anonymous";

    /// <summary>What the test knows of each customer: its A/B/C class and RFM segment in the range.</summary>
    sealed record People(Dictionary<string, string> Classes, Dictionary<string, string> Segments);

    static string ValueOf(Given a, string by, People people) => by switch
    {
        "class" => ClassOf(a, people.Classes),
        "rfm_segment" => a.Vid.StartsWith("d-") ? people.Segments.GetValueOrDefault(a.Vid[2..], "unscored") : "anonymous",
        "channel" => a.Channel,
        _ => "",
    };

    static string Week(long tsMs)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(tsMs), Berlin).DateTime);
        return Iso(local.AddDays(-(((int)local.DayOfWeek + 6) % 7)));
    }

    static string Iso(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, Berlin.GetUtcOffset(midnight)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    static string NpsKey(string survey, string question, string by, string value, long answers, long promoters, long passives, long detractors, double nps) =>
        string.Create(CultureInfo.InvariantCulture, $"{survey}/{question} {by}={value}: {answers} answers, {promoters}/{passives}/{detractors}, nps {nps:0.0}");

    static List<string> ExpectedNps(IEnumerable<Given> answers, People classes) =>
        new[] { "all", "class", "channel", "rfm_segment" }.SelectMany(by => answers.Where(a => a.Score is not null)
            .GroupBy(a => (a.Question, Value: ValueOf(a, by, classes)))
            .Select(g =>
            {
                var (n, p, d) = (g.Count(), g.Count(a => a.Score >= 9), g.Count(a => a.Score <= 6));
                return NpsKey("nps", g.Key.Question, by, g.Key.Value, n, p, n - p - d, d, Math.Round(100.0 * (p - d) / n, 1));
            }))
        .Order(StringComparer.Ordinal).ToList();

    static List<string> ActualNps(JsonElement answer) => answer.GetProperty("nps").EnumerateArray()
        .Select(n => NpsKey(n.GetProperty("survey").GetString()!, n.GetProperty("question").GetString()!, n.GetProperty("by").GetString()!,
            n.GetProperty("value").GetString()!, n.GetProperty("answers").GetInt64(), n.GetProperty("promoters").GetInt64(),
            n.GetProperty("passives").GetInt64(), n.GetProperty("detractors").GetInt64(), n.GetProperty("nps").GetDouble()))
        .Order(StringComparer.Ordinal).ToList();

    static string RatingKey(string t, string by, string value, long ratings, double? average) =>
        string.Create(CultureInfo.InvariantCulture, $"{t} {by}={value}: {ratings} ratings, {(average is { } a ? a.ToString("0.00", CultureInfo.InvariantCulture) : "none")}");

    static List<string> ExpectedRatings(IEnumerable<Given> answers, People classes, Func<Given, string> t) =>
        new[] { "all", "class", "channel", "rfm_segment" }.SelectMany(by => answers.Where(a => a.Type == "rating")
            .GroupBy(a => (T: t(a), Value: ValueOf(a, by, classes)))
            .Select(g => RatingKey(g.Key.T, by, g.Key.Value, g.Count(), Math.Round((double)g.Sum(a => a.Stars!.Value) / g.Count(), 2))))
        .Order(StringComparer.Ordinal).ToList();

    static List<string> ActualRatings(JsonElement rows) => rows.EnumerateArray()
        .Select(r => RatingKey(r.GetProperty("t").GetString()!, r.GetProperty("by").GetString()!, r.GetProperty("value").GetString()!,
            r.GetProperty("ratings").GetInt64(), r.GetProperty("average_stars").ValueKind == JsonValueKind.Null ? null : r.GetProperty("average_stars").GetDouble()))
        .Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Nps_and_average_ratings_per_week_by_class_and_channel_follow_the_definitions()
    {
        var (key, id) = await AudienceReportsTests.BerlinSiteAsync(api, "surveys-report");
        var data = Generate(id);
        await SessionData.InsertAsync(api.ClickHouse, data.Events);
        await SessionData.InsertAsync(api.ClickHouse, data.Links);
        var classes = new People(Classes(data.Revenue), Segments(data.Orders));
        Assert.Contains("A", classes.Classes.Values);
        Assert.Contains("B", classes.Classes.Values);
        Assert.True(classes.Segments.Values.Distinct().Count() >= 4, string.Join(", ", classes.Segments.Values.Distinct()));
        var counted = data.Answers; // the generated ones all lie in the range; the extra ones above lie outside or are a bot's
        Assert.True(counted.Count(a => a.Score is not null) > 40 && counted.Count(a => a.Type == "rating") > 10, "enough answers to mean something");

        var answer = await AudienceReportsTests.GetAsync(api, $"/api/reports/surveys?site={key}&{Range}&interval=week");
        Assert.Equal("week", answer.GetProperty("interval").GetString());
        Assert.Equal(ExpectedNps(counted, classes), ActualNps(answer));
        Assert.Equal(ExpectedRatings(counted, classes, _ => ""), ActualRatings(answer.GetProperty("ratings")));
        // The series of all ratings has every week of the range (2026-02-23 holds 1 March), the breakdowns their non-empty weeks.
        var weeks = Enumerable.Range(0, 6).Select(w => Iso(new DateOnly(2026, 2, 23).AddDays(7 * w))).ToList();
        var expectedSeries = ExpectedRatings(counted, classes, a => Week(a.TsMs));
        expectedSeries.AddRange(weeks.Where(w => !counted.Any(a => a.Type == "rating" && Week(a.TsMs) == w)).Select(w => RatingKey(w, "all", "", 0, null)));
        Assert.Equal(expectedSeries.Order(StringComparer.Ordinal), ActualRatings(answer.GetProperty("rating_series")));

        // A filter narrows the answers to those whose event matches it.
        var austria = await AudienceReportsTests.GetAsync(api, $"/api/reports/surveys?site={key}&{Range}&interval=week&filter=country:is:AT");
        Assert.Equal(ExpectedNps(counted.Where(a => a.Country == "AT"), classes), ActualNps(austria));

        var csv = await api.Admin().GetStringAsync($"/api/reports/surveys?site={key}&{Range}&format=csv");
        Assert.StartsWith("kind,t,survey,question,by,value,answers,promoters,passives,detractors,nps,ratings,average_stars\r\nnps,", csv);
    }

    [Fact]
    public async Task A_bad_interval_is_a_400_naming_it()
    {
        var (key, _) = await AudienceReportsTests.BerlinSiteAsync(api, "surveys-bad");
        var response = await api.Admin().GetAsync($"/api/reports/surveys?site={key}&{Range}&interval=fortnight");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("interval", await response.Content.ReadAsStringAsync());
    }
}

public sealed class SurveysReportTestsEmbedded(EmbeddedApi api) : SurveysReportTests(api), IClassFixture<EmbeddedApi>;
public sealed class SurveysReportTestsServer(ServerApi api) : SurveysReportTests(api), IClassFixture<ServerApi>;
