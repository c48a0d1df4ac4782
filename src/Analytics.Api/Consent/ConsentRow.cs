using Analytics.Ingestion;

namespace Analytics.Consent;

/// <summary>One row of the <c>consents</c> table: a visitor's decision as proof, with a truncated address.</summary>
public sealed class ConsentRow
{
    public Guid ConsentId;
    public string SiteId = "";
    public DateTimeOffset ReceivedAt;
    public string Vid = "";
    public bool Analytics;
    public bool Marketing;
    public string PolicyVersion = "";
    public string Source = "";
    public string IpTruncated = "";
    public string UserAgent = "";
}

/// <summary>
/// The one list of the <c>consents</c> columns (as 0004_consents.sql creates them). Proofs go through a spool of
/// their own (<c>spool-consents</c>) and a writer of their own, like events: a 201 means the proof is on disk, and
/// the writer stores it in batches, so a burst of decisions makes one part, not one per request.
/// </summary>
public static class ConsentColumns
{
    /// <summary>The key of the consent spool among the services (the events spool is the unkeyed one).</summary>
    public const string SpoolKey = "consents";

    public static readonly SpooledTable<ConsentRow> Definition = new("consents", "spool-consents",
    [
        new("consent_id", "UUID", (w, r) => w.Uuid(r.ConsentId)),
        new("site_id", "String", (w, r) => w.String(r.SiteId)),
        new("received_at", "DateTime", (w, r) => w.DateTime(r.ReceivedAt)),
        new("vid", "String", (w, r) => w.String(r.Vid)),
        new("analytics", "UInt8", (w, r) => w.Bool(r.Analytics)),
        new("marketing", "UInt8", (w, r) => w.Bool(r.Marketing)),
        new("policy_version", "String", (w, r) => w.String(r.PolicyVersion)),
        new("source", "String", (w, r) => w.String(r.Source)),
        new("ip_truncated", "String", (w, r) => w.String(r.IpTruncated)),
        new("user_agent", "String", (w, r) => w.String(r.UserAgent)),
    ], idColumn: "consent_id", siteColumn: "site_id", timeColumn: "received_at");
}
