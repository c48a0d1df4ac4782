using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Crm.Surveys;

/// <summary>
/// One answer or rating of a customer in the 360-degree view: <c>type</c> survey_answer or rating and its fields (others
/// null). <c>text</c> is the customer's own free text, shown here to service and marketers, never in a report.
/// </summary>
public sealed record SurveyAnswerItem(string EventId, string Type, DateTimeOffset Ts, string VisitorId)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Survey { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Question { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Score { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Choice { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Text { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Subject { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Stars { get; init; }
}

/// <summary>
/// The customer's answers and ratings for the view: the answer events of its devices whose person is the customer (on the
/// days its devices were active, like the timeline), newest first, with the free text of each read from survey_texts.
/// </summary>
public static class CustomerSurveys
{
    /// <summary>The newest this many answers are shown.</summary>
    public const int MaxItems = 500;

    /// <summary>The view's items of the customer's newest answers (<see cref="Customers.DeviceEvents.Answers"/>), each with its free text.</summary>
    public static async Task<List<SurveyAnswerItem>> WithTextsAsync(IClickHouse clickHouse, string siteId, IReadOnlyList<SurveyAnswerRow> rows,
        CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var texts = (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT toString(event_id) AS event_id, text FROM survey_texts
            WHERE site_id = {siteId} AND vid IN {SqlInList.Of(rows.Select(r => r.Vid).Distinct().ToList())}
                AND toString(event_id) IN {SqlInList.Of(rows.Select(r => r.EventId).ToList())}
            """), SurveyViewRows.Default.SurveyTextOfAnswer, ct))
            .GroupBy(t => t.EventId).ToDictionary(g => g.Key, g => g.First().Text);
        return rows.Select(r => new SurveyAnswerItem(r.EventId, r.Type, DateTimeOffset.FromUnixTimeMilliseconds(r.TsMs), r.Vid)
        {
            Survey = r.Type == SurveyFields.AnswerType ? r.Survey : null,
            Question = r.Type == SurveyFields.AnswerType ? r.Question : null,
            Score = int.TryParse(r.Score, out var score) ? score : null,
            Choice = r.Choice.Length > 0 ? r.Choice : null,
            Text = texts.GetValueOrDefault(r.EventId),
            Subject = r.Type == SurveyFields.RatingType ? r.Subject : null,
            Stars = int.TryParse(r.Stars, out var stars) ? stars : null,
        }).ToList();
    }
}

public sealed record SurveyAnswerRow(string EventId, string Type, long TsMs, string Vid, string Survey, string Question, string Score, string Choice,
    string Subject, string Stars);

public sealed record SurveyTextOfAnswer(string EventId, string Text);

[JsonSerializable(typeof(SurveyTextOfAnswer))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class SurveyViewRows : JsonSerializerContext;
