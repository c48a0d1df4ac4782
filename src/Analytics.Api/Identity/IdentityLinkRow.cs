using Analytics.Ingestion;

namespace Analytics.Identity;

/// <summary>One row of <c>identity_links</c>: a visitor id (a device) known to belong to a CRM customer.</summary>
public sealed class IdentityLinkRow
{
    public Guid LinkId;
    public string SiteId = "";
    public string VisitorId = "";
    public string CustomerId = "";
    public DateTimeOffset LinkedAt;
    /// <summary><see cref="IdentityLinks.FromIdentify"/> or <see cref="IdentityLinks.FromCrm"/>.</summary>
    public string Source = "";
}

/// <summary>
/// The one list of the <c>identity_links</c> columns (as 0006_identity_links.sql creates them). Links from
/// identify events and from CRM imports go through one spool (<c>spool-links</c>) and one writer, like events:
/// durable before the answer, stored in batches, never twice.
/// </summary>
public static class IdentityLinks
{
    /// <summary>The key of the link spool among the services.</summary>
    public const string SpoolKey = "identity_links";
    public const string FromIdentify = "identify";
    public const string FromCrm = "crm";

    public static readonly SpooledTable<IdentityLinkRow> Definition = new("identity_links", "spool-links",
    [
        new("link_id", "UUID", (w, r) => w.Uuid(r.LinkId)),
        new("site_id", "String", (w, r) => w.String(r.SiteId)),
        new("visitor_id", "String", (w, r) => w.String(r.VisitorId)),
        new("customer_id", "String", (w, r) => w.String(r.CustomerId)),
        new("linked_at", "DateTime", (w, r) => w.DateTime(r.LinkedAt)),
        new("source", "String", (w, r) => w.String(r.Source)),
    ], idColumn: "link_id", siteColumn: "site_id", timeColumn: "linked_at");
}
