using Analytics.Storage;

namespace Analytics.Reports.Filters;

/// <summary>Where a dimension's value comes from.</summary>
public enum DimensionSource
{
    /// <summary>A column (or an expression over columns) of each event: filters and breakdowns alike.</summary>
    Event,
    /// <summary>A fact of the session (entry and exit page, its first event's channel, source, campaign): a breakdown over the sessions, not a filter yet.</summary>
    Session,
    /// <summary>A fact of the person (A/B/C class, CRM segment), joined by <see cref="ReportSql"/> onto each event: filters and breakdowns alike.</summary>
    Person,
}

/// <summary>
/// A dimension reports filter on and break down by: its name in requests and answers, the SQL that gives its value
/// for an event (over <see cref="Columns"/>, the event columns it reads), and what it can be used for.
/// </summary>
public sealed record ReportDimension(string Name, DimensionSource Source, Sql Value, IReadOnlyList<string> Columns)
{
    /// <summary>A session without a value has none to show (entry/exit page of a session without a pageview).</summary>
    public bool SkipsEmpty { get; init; }

    /// <summary>The value reads the visitor's identity links (<c>linked</c>, or the person's facts): events without a person cannot give it.</summary>
    public bool ReadsLinks { get => Source == DimensionSource.Person || readsLinks; init => readsLinks = value; }
    readonly bool readsLinks;

    public bool CanFilter => Available && Source is DimensionSource.Event or DimensionSource.Person;
    public bool CanBreakDown => Available;
    /// <summary>False for a dimension that is part of the model but not answered yet (<c>segment</c>: saved segments).</summary>
    public bool Available { get; init; } = true;
}

/// <summary>
/// The one table of dimensions (DESIGN.md "Report answers", breakdown). Every report's filters and breakdowns resolve
/// their names here; nothing else maps a dimension to a column. <c>identified</c> (identified vs anonymous: the
/// visitor has an identity link, so its events belong to a customer) reads the joined links of
/// <see cref="ReportSql"/>; <c>consent</c> is the event's consent state.
/// </summary>
public static class ReportDimensions
{
    public static readonly IReadOnlyList<ReportDimension> All =
    [
        Column("page", "path"),
        new("entry_page", DimensionSource.Session, Sql.Query($"entry_path"), []) { SkipsEmpty = true },
        new("exit_page", DimensionSource.Session, Sql.Query($"exit_path"), []) { SkipsEmpty = true },
        // A session's acquisition: its first event's channel, source and campaign (the events after it are mostly 'internal').
        new("session_channel", DimensionSource.Session, Sql.Query($"channel"), []),
        new("session_source", DimensionSource.Session, Sql.Query($"source"), []),
        new("session_campaign", DimensionSource.Session, Sql.Query($"utm_campaign"), []),
        Column("channel", "channel"),
        Column("source", "source"),
        Column("utm_source", "utm_source"),
        Column("utm_medium", "utm_medium"),
        Column("utm_campaign", "utm_campaign"),
        Column("utm_term", "utm_term"),
        Column("utm_content", "utm_content"),
        Column("country", "country"),
        Column("region", "region"),
        Column("city", "city"),
        Column("device", "device"),
        Column("browser", "browser"),
        Column("os", "os"),
        Column("screen", "screen"),
        Column("language", "lang"),
        new("consent", DimensionSource.Event, Sql.Query($"""
            multiIf(consent_analytics = 1 AND consent_marketing = 1, 'analytics_marketing', consent_analytics = 1, 'analytics',
                consent_marketing = 1, 'marketing', 'none')
            """), ["consent_analytics", "consent_marketing"]),
        new("identified", DimensionSource.Event, Sql.Query($"if(linked = 0, 'anonymous', 'identified')"), []) { ReadsLinks = true },
        // The person's A/B/C class over the report's range (the abc report's ranking); 'anonymous' for a visitor never linked.
        new("customer_class", DimensionSource.Person, Sql.Query($"if(linked = 0, 'anonymous', if(abc_class = '', 'C', abc_class))"), []),
        // The CRM's customers.segment of the person; 'anonymous' for a visitor never linked. `segment` stays free for saved segments.
        new("crm_segment", DimensionSource.Person, Sql.Query($"if(linked = 0, 'anonymous', person_segment)"), []),
        new("segment", DimensionSource.Person, Sql.Query($"''"), []) { Available = false },
    ];

    static readonly Dictionary<string, ReportDimension> byName = All.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public static ReportDimension? Find(string? name) => name is not null && byName.TryGetValue(name, out var d) ? d : null;

    /// <summary>The names of the dimensions a filter accepts, for error messages and docs.</summary>
    public static string FilterNames => string.Join(", ", All.Where(d => d.CanFilter).Select(d => d.Name));

    /// <summary>The names of the dimensions a breakdown accepts.</summary>
    public static string BreakdownNames => string.Join(", ", All.Where(d => d.CanBreakDown).Select(d => d.Name));

    static ReportDimension Column(string name, string column) =>
        new(name, DimensionSource.Event, Sql.Query($"{new SqlIdentifier(column)}"), [column]);
}
