using Analytics.Ingestion;
using Analytics.Storage;

namespace Analytics.Crm.Surveys;

/// <summary>One row of <c>survey_texts</c>: the free text of a survey answer, apart from its event.</summary>
public sealed class SurveyTextRow
{
    public Guid EventId;
    public string SiteId = "";
    public DateTimeOffset Ts;
    public string Vid = "";
    public string CustomerId = "";
    public string Survey = "";
    public string Question = "";
    public string Text = "";
}

/// <summary>
/// Free texts go through their own spool (<c>spool-survey-texts</c>) and writer, like identity links: durable before
/// collect's answer, stored once per answer event. They are personal data and never part of an event row.
/// </summary>
public sealed class SurveyTexts([FromKeyedServices(SurveyTexts.SpoolKey)] Spool spool)
{
    public const string SpoolKey = "survey_texts";

    public static readonly SpooledTable<SurveyTextRow> Definition = new("survey_texts", "spool-survey-texts",
    [
        new("event_id", "UUID", (w, r) => w.Uuid(r.EventId)),
        new("site_id", "String", (w, r) => w.String(r.SiteId)),
        new("ts", "DateTime", (w, r) => w.DateTime(r.Ts)),
        new("vid", "String", (w, r) => w.String(r.Vid)),
        new("customer_id", "String", (w, r) => w.String(r.CustomerId)),
        new("survey", "String", (w, r) => w.String(r.Survey)),
        new("question", "String", (w, r) => w.String(r.Question)),
        new("text", "String", (w, r) => w.String(r.Text)),
    ], idColumn: "event_id", siteColumn: "site_id", timeColumn: "ts");

    /// <summary>
    /// The text an accepted survey answer carries, or null: without analytics consent the text is dropped (the event
    /// itself is kept, without it); blank text is no text.
    /// </summary>
    public static SurveyTextRow? FromEvent(RawEvent raw, EventRow row)
    {
        if (raw.Type != SurveyFields.AnswerType || !raw.ConsentAnalytics || raw.Survey is not { } f || string.IsNullOrWhiteSpace(f.Text)) return null;
        return new SurveyTextRow
        {
            EventId = row.EventId,
            SiteId = row.SiteId,
            Ts = DateTimeOffset.FromUnixTimeMilliseconds(row.TsMs),
            Vid = row.Vid,
            CustomerId = row.CustomerId,
            Survey = f.Survey ?? "",
            Question = f.Question ?? "",
            Text = f.Text,
        };
    }

    /// <summary>Spools the texts as one frame; throws <see cref="SpoolFullException"/> like the events' spool.</summary>
    public void Append(IReadOnlyList<SurveyTextRow> rows) => Definition.AppendFrame(spool, rows);

    /// <summary>An import's texts, in frames; a full spool makes it wait for the writer up to <paramref name="maxWait"/>, then throws.</summary>
    public Task AppendAsync(IReadOnlyList<SurveyTextRow> rows, TimeSpan maxWait, CancellationToken ct) => Definition.AppendFramesAsync(spool, rows, maxWait, ct);
}
