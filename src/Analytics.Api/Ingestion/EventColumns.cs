using Analytics.Storage;

namespace Analytics.Ingestion;

/// <summary>
/// The one list of the <c>events</c> columns: name and ClickHouse type as the migrations create them, and how an
/// <see cref="EventRow"/> writes each. Inserts, the spooled row key, the recent-events read and the layout
/// history all follow from it; a test compares it with <c>system.columns</c> on both engines.
/// To add a column: a migration that adds it (at the end, to events_by_visitor, purchase_events, feedback_events, form_events and their views too), and an entry here at the end with <c>Since: 2</c>
/// (the next layout), so frames spooled by the previous release are still stored.
/// </summary>
public static class EventColumns
{
    public const string TableName = "events";

    /// <summary>
    /// The same rows ordered by (site_id, vid, ts), filled from <see cref="TableName"/> by a materialized view (migration
    /// 0026): reads of a few visitors go there. A column added to events is added to it and to the view as well.
    /// </summary>
    public const string ByVisitorTableName = "events_by_visitor";

    /// <summary>
    /// The <c>purchase</c> events again, ordered by (site_id, day, order_id), filled from <see cref="TableName"/> by a
    /// materialized view (migration 0027): reads of a site's orders and purchases go there instead of scanning every event.
    /// </summary>
    public const string PurchasesTableName = "purchase_events";

    /// <summary>
    /// The <c>survey_answer</c> and <c>rating</c> events again (<see cref="FeedbackTypes"/>), ordered like the events,
    /// filled by a materialized view (migration 0031): the survey report reads them there instead of scanning every event.
    /// </summary>
    public const string FeedbackTableName = "feedback_events";

    /// <summary>The event types <see cref="FeedbackTableName"/> holds (its view's condition).</summary>
    public static readonly IReadOnlySet<string> FeedbackTypes = new HashSet<string>(StringComparer.Ordinal) { "survey_answer", "rating" };

    /// <summary>
    /// The tracker's form events again (<see cref="FormTypes"/>), ordered like the events, filled by a materialized view
    /// (migration 0032): the forms report reads them there instead of scanning every event.
    /// </summary>
    public const string FormsTableName = "form_events";

    /// <summary>The event types <see cref="FormsTableName"/> holds (its view's condition).</summary>
    public static readonly IReadOnlySet<string> FormTypes = new HashSet<string>(StringComparer.Ordinal) { "form_start", "form_field", "form_submit", "form_abandon" };

    /// <summary>The table to read events of only <paramref name="types"/> from: a copy that holds all of them, else the events.</summary>
    public static string TableFor(IReadOnlyCollection<string> types) =>
        types.Count == 0 ? TableName
        : types.All(t => t == "purchase") ? PurchasesTableName
        : types.All(FeedbackTypes.Contains) ? FeedbackTableName
        : types.All(FormTypes.Contains) ? FormsTableName
        : TableName;

    /// <summary>
    /// The product of a <c>product_view</c> event, over its props columns: its <c>id</c> prop, else its <c>sku</c> prop. The
    /// sessions' shopping sets, the affinity report and the 360-degree view read it.
    /// </summary>
    public static readonly Sql ViewedProduct =
        Sql.Query($"if(has(props_keys, 'id'), props_values[indexOf(props_keys, 'id')], props_values[indexOf(props_keys, 'sku')])");

    public static readonly SpooledTable<EventRow> Definition = new(TableName, "spool",
    [
        new("event_id", "UUID", (w, r) => w.Uuid(r.EventId)),
        new("site_id", "String", (w, r) => w.String(r.SiteId)),
        new("received_at", "DateTime", (w, r) => w.DateTime(r.ReceivedAt)),
        new("ts", "DateTime", (w, r) => w.DateTime(DateTimeOffset.FromUnixTimeMilliseconds(r.TsMs))),
        new("ts_ms", "UInt64", (w, r) => w.UInt64((ulong)r.TsMs)),
        new("type", "String", (w, r) => w.String(r.Type)),
        new("name", "String", (w, r) => w.String(r.Name)),
        new("url", "String", (w, r) => w.String(r.Url)),
        new("hostname", "String", (w, r) => w.String(r.Hostname)),
        new("path", "String", (w, r) => w.String(r.Path)),
        new("referrer", "String", (w, r) => w.String(r.Referrer)),
        new("title", "String", (w, r) => w.String(r.Title)),
        new("vid", "String", (w, r) => w.String(r.Vid)),
        new("sid", "String", (w, r) => w.String(r.Sid)),
        new("customer_id", "String", (w, r) => w.String(r.CustomerId)),
        new("order_id", "String", (w, r) => w.String(r.OrderId)),
        new("revenue", "Float64", (w, r) => w.Float64(r.Revenue)),
        new("currency", "String", (w, r) => w.String(r.Currency)),
        new("consent_analytics", "UInt8", (w, r) => w.Bool(r.ConsentAnalytics)),
        new("consent_marketing", "UInt8", (w, r) => w.Bool(r.ConsentMarketing)),
        new("props_keys", "Array(String)", (w, r) => w.StringArray(r.PropsKeys)),
        new("props_values", "Array(String)", (w, r) => w.StringArray(r.PropsValues)),
        new("screen", "String", (w, r) => w.String(r.Screen)),
        new("lang", "String", (w, r) => w.String(r.Lang)),
        new("browser", "String", (w, r) => w.String(r.Browser)),
        new("browser_version", "String", (w, r) => w.String(r.BrowserVersion)),
        new("os", "String", (w, r) => w.String(r.Os)),
        new("os_version", "String", (w, r) => w.String(r.OsVersion)),
        new("device", "String", (w, r) => w.String(r.Device)),
        new("device_family", "String", (w, r) => w.String(r.DeviceFamily)),
        new("country", "String", (w, r) => w.String(r.Country)),
        new("region", "String", (w, r) => w.String(r.Region)),
        new("city", "String", (w, r) => w.String(r.City)),
        new("channel", "String", (w, r) => w.String(r.Channel)),
        new("source", "String", (w, r) => w.String(r.Source)),
        new("utm_source", "String", (w, r) => w.String(r.UtmSource)),
        new("utm_medium", "String", (w, r) => w.String(r.UtmMedium)),
        new("utm_campaign", "String", (w, r) => w.String(r.UtmCampaign)),
        new("utm_term", "String", (w, r) => w.String(r.UtmTerm)),
        new("utm_content", "String", (w, r) => w.String(r.UtmContent)),
        new("is_bot", "UInt8", (w, r) => w.Bool(r.IsBot)),
        new("origin", "String", (w, r) => w.String(r.Origin)),
    ], idColumn: "event_id", siteColumn: "site_id", timeColumn: "ts");
}
