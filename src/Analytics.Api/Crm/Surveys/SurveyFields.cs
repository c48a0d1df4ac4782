using System.Globalization;
using Analytics.Ingestion;

namespace Analytics.Crm.Surveys;

/// <summary>
/// The fields of a <c>survey_answer</c> (<c>survey</c>, <c>question</c>, exactly one of <c>score</c> 0–10 or
/// <c>choice</c>, optional free <c>text</c>) or a <c>rating</c> (<c>subject</c>, <c>stars</c> 1–5) as the page sent them.
/// All but the free text are stored in the event's props (<see cref="AddTo"/>); the text never reaches the events
/// table (<see cref="SurveyTexts"/>).
/// </summary>
public sealed class SurveyFields
{
    public const string AnswerType = "survey_answer";
    public const string RatingType = "rating";
    public static readonly IReadOnlySet<string> Types = Ingestion.EventColumns.FeedbackTypes; // { AnswerType, RatingType }, copied to feedback_events

    public string? Survey;
    public string? Question;
    public double? Score;
    public string? Choice;
    public string? Text;
    public string? Subject;
    public double? Stars;

    internal void Set(string field, string? value)
    {
        switch (field)
        {
            case "survey": Survey = value; break;
            case "question": Question = value; break;
            case "choice": Choice = value; break;
            case "text": Text = value; break;
            case "subject": Subject = value; break;
        }
    }

    internal void Set(string field, double? value)
    {
        if (field == "score") Score = value;
        else if (field == "stars") Stars = value;
    }

    /// <summary>
    /// The answer's fields as the first props of the row (before the page's own props, so <c>indexOf</c> finds them first
    /// whatever the page adds): survey, question, score or choice; subject, stars. Other types get nothing.
    /// </summary>
    public static void AddTo(EventRow row, RawEvent e)
    {
        if (e.Survey is not { } f) return;
        if (e.Type == AnswerType)
        {
            Add(row, "survey", f.Survey);
            Add(row, "question", f.Question);
            if (f.Score is { } score) Add(row, "score", ((int)score).ToString(CultureInfo.InvariantCulture));
            Add(row, "choice", f.Choice);
        }
        else if (e.Type == RatingType)
        {
            Add(row, "subject", f.Subject);
            if (f.Stars is { } stars) Add(row, "stars", ((int)stars).ToString(CultureInfo.InvariantCulture));
        }
    }

    static void Add(EventRow row, string key, string? value)
    {
        if (value is null) return;
        row.PropsKeys.Add(key);
        row.PropsValues.Add(value);
    }
}
