namespace Analytics.Privacy.Registry;

/// <summary>Which id of a data subject a column holds.</summary>
public enum SubjectKey { Visitor, Customer }

/// <summary>A column that holds a subject id: a String, or an Array(String) of them (<see cref="IsArray"/>).</summary>
public sealed record SubjectColumn(string Column, SubjectKey Key, bool IsArray = false);

/// <summary>
/// A table that holds personal data. Its rows belong to the subject whose id is in one of <see cref="SubjectColumns"/>;
/// erasure deletes those rows, export reads them. <see cref="OtherColumns"/> are the table's other String columns,
/// classified too (they go with the row). <see cref="TimeColumn"/> dates a row for retention (null: kept while the
/// subject is, e.g. CRM profiles, which the shop's CRM import owns).
/// </summary>
public sealed record PersonalTable(string Table, IReadOnlyList<SubjectColumn> SubjectColumns, IReadOnlyList<string> OtherColumns, string? TimeColumn);

/// <summary>A table without personal data, and why.</summary>
public sealed record OtherTable(string Table, string Why);

/// <summary>
/// Every table of the schema, classified: the ones that hold subject ids (erasure, export and retention walk them)
/// and the ones that do not. A test compares this with the tables and String columns the migrations create, so a
/// new table or column cannot be forgotten by the privacy workflows.
/// </summary>
public static class PersonalDataRegistry
{
    static readonly SubjectColumn Visitor = new("visitor_id", SubjectKey.Visitor);
    static readonly SubjectColumn Customer = new("customer_id", SubjectKey.Customer);

    static readonly IReadOnlyList<string> EventStrings =
    [
        "site_id", "type", "name", "url", "hostname", "path", "referrer", "title", "sid", "order_id", "currency", "props_keys",
        "props_values", "screen", "lang", "browser", "browser_version", "os", "os_version", "device", "device_family", "country",
        "region", "city", "channel", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "origin",
    ];

    /// <summary>
    /// The events ordered by visitor (migration 0026, docs/customers.md): every row of <c>events</c> again, so erasure and
    /// retention delete from it as from the events; an export leaves it out (<see cref="IsCopy"/>), its rows are the events'.
    /// </summary>
    public const string EventsByVisitor = Ingestion.EventColumns.ByVisitorTableName;

    /// <summary>The purchase events again (migration 0027, docs/crm-analytics.md): a copy like <see cref="EventsByVisitor"/>.</summary>
    public const string PurchaseEvents = Ingestion.EventColumns.PurchasesTableName;

    /// <summary>The survey answers and ratings again (migration 0031, docs/crm-analytics.md): a copy like <see cref="EventsByVisitor"/>.</summary>
    public const string FeedbackEvents = Ingestion.EventColumns.FeedbackTableName;

    /// <summary>The form events again (migration 0032, docs/reports.md "Forms"): a copy like <see cref="EventsByVisitor"/>.</summary>
    public const string FormEvents = Ingestion.EventColumns.FormsTableName;

    /// <summary>Every order with its customer, as stored snapshots (migration 0028): the orders' and purchases' rows again, a copy for an export.</summary>
    public const string CustomerOrders = "customer_orders";

    /// <summary>Every customer's first touch, as stored snapshots (migration 0030): derived from the sessions, a copy for an export.</summary>
    public const string CustomerFirstTouches = "customer_first_touches";

    public static IReadOnlyList<PersonalTable> PersonalTables { get; } =
    [
        new("events", [new("vid", SubjectKey.Visitor), Customer], EventStrings, "ts"),
        new(EventsByVisitor, [new("vid", SubjectKey.Visitor), Customer], EventStrings, "ts"),
        new(PurchaseEvents, [new("vid", SubjectKey.Visitor), Customer], EventStrings, "ts"),
        new(FeedbackEvents, [new("vid", SubjectKey.Visitor), Customer], EventStrings, "ts"),
        new(FormEvents, [new("vid", SubjectKey.Visitor), Customer], EventStrings, "ts"),
        new("consents", [new("vid", SubjectKey.Visitor)], ["site_id", "policy_version", "source", "ip_truncated", "user_agent"], "received_at"),
        new("identity_links", [Visitor, Customer], ["site_id", "source"], "linked_at"),
        // fact_sets and page_sequence: the session's events' dimension values and pageview paths (Sessions/SessionSql
        // "value sets"), the same kind of data as the first-event facts beside them; view_products and purchase_orders:
        // the products it viewed and the order ids of its purchase events ("shopping sets"), as the events hold them.
        new("sessions", [Visitor],
            ["site_id", "entry_path", "exit_path", "channel", "source", "utm_campaign", "device", "browser", "os", "country", "fact_sets", "page_sequence",
             "view_products", "purchase_orders"], "day"),
        // Per visitor and hour, the counts of its events (Sessions/VisitorHours): derived like sessions, erased with them.
        new("visitor_hours", [Visitor], ["site_id"], "day"),
        new("customers", [Customer, new("visitor_ids", SubjectKey.Visitor, IsArray: true)],
            ["site_id", "email", "name", "segment", "attribute_keys", "attribute_values"], null),
        new("orders", [Customer], ["site_id", "order_id", "currency", "item_sku", "item_name", "item_category", "status"], "ts"),
        new("contacts", [Customer], ["site_id", "contact_id", "channel", "direction", "kind", "subject", "outcome"], "ts"),
        // The ids of data-subject requests: an erasure deletes them last, with the subject (Privacy/Requests).
        new("privacy_request_subjects", [new("customer_ids", SubjectKey.Customer, IsArray: true), new("visitor_ids", SubjectKey.Visitor, IsArray: true)],
            ["site_id", "request_id"], "received_at"),
        // Free text of survey answers (Crm/Surveys): stored apart from the events, read only by the 360-degree view.
        new("survey_texts", [new("vid", SubjectKey.Visitor), Customer], ["site_id", "survey", "question", "text"], "ts"),
        // What a segment's webhook last delivered, per customer (Crm/Segments): kept while the customer is.
        new("segment_members", [Customer], ["site_id", "segment_id"], null),
        // Snapshots of every order resolved to its customer (migration 0028, Customers/CustomerOrderSnapshots): derived
        // from orders, purchase events and links, deleted with them.
        new(CustomerOrders, [new("vid", SubjectKey.Visitor), Customer], ["site_id", "order_id", "currency", "source"], "ts"),
        // Snapshots of every customer's first touch (migration 0030, Crm/Value/FirstTouchSnapshots): derived from the
        // sessions and links, deleted with them.
        new(CustomerFirstTouches, [Customer], ["site_id", "touch_text"], "ts"),
    ];

    public static IReadOnlyList<OtherTable> OtherTables { get; } =
    [
        new("schema_migrations", "the schema's own history"),
        new("sites", "the shops' settings"),
        new("api_tokens", "staff credentials (hashes), not data subjects of a shop"),
        new("users", "staff accounts"),
        new("user_credentials", "staff sign-in: logins, password hashes, lockout"),
        new("user_links", "staff invitations and sign-in links (hashes)"),
        new("site_members", "staff membership"),
        new("session_days", "which generation of stored sessions serves a day; no ids"),
        new("session_dirty_days", "days to recompute; no ids"),
        new("session_refresh_state", "the session refresh watermark"),
        new("session_product_views", "per stored day, how many sessions viewed each product; counts, no ids"),
        new("goals", "the marketers' goal definitions"),
        new("privacy_audit", "the audit log: subjects only as keyed pseudonyms, kept as evidence"),
        new("retention_runs", "when retention last ran per site; no ids"),
        new("privacy_requests", "data-subject requests: the subject only as a keyed pseudonym (its ids are in privacy_request_subjects)"),
        new("segments", "the marketers' segment definitions and webhook settings; no ids"),
        new("segment_deliveries", "the webhook delivery log: times, status codes and counts; no ids"),
        new("privacy_tombstones", "erased subjects as keyed pseudonyms, so spooled rows cannot bring them back"),
        new("acquisition_costs", "marketing spend per day, channel and campaign; no ids"),
        new("customer_order_snapshots", "which snapshot of customer_orders is built for which version of the data; no ids"),
        new("customer_first_touch_snapshots", "which snapshot of customer_first_touches is built for which version of the data; no ids"),
    ];

    /// <summary>Whether the table only copies another personal table's rows (an export shows them once, from the original).</summary>
    public static bool IsCopy(string table) => table is EventsByVisitor or PurchaseEvents or FeedbackEvents or FormEvents or CustomerOrders or CustomerFirstTouches;

    /// <summary>The personal table of that name, or null.</summary>
    public static PersonalTable? Find(string table) => PersonalTables.FirstOrDefault(t => t.Table == table);
}
