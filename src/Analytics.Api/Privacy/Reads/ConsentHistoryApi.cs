using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;

namespace Analytics.Privacy.Reads;

/// <summary>
/// GET /api/privacy/consents?site=KEY&amp;visitor_id=|customer_id=: every consent proof of the subject (a customer: the
/// proofs of every visitor id linked to it), newest first, and the latest state per purpose. Every read is audited
/// (<c>consents.read</c>) with the subject's pseudonym, never its id.
/// </summary>
public static class ConsentHistoryApi
{
    public sealed record Purposes(bool Analytics, bool Marketing);

    public sealed record Proof(string ConsentId, DateTimeOffset ReceivedAt, string VisitorId, Purposes Purposes, string PolicyVersion,
        string Source, string IpTruncated, string UserAgent);

    /// <summary>The state of one purpose: granted or not, by which proof, when.</summary>
    public sealed record PurposeState(bool Granted, DateTimeOffset At, string ConsentId, string VisitorId);

    public sealed record Subject(string? CustomerId, string? VisitorId);

    public sealed record History(string Site, Subject Subject, IReadOnlyList<string> VisitorIds,
        IReadOnlyDictionary<string, PurposeState> Latest, IReadOnlyList<Proof> Proofs);

    public static async Task<IResult> HandleAsync(HttpContext http, IClickHouse clickHouse, PrivacyAudit audit, CancellationToken ct)
    {
        var query = http.Request.Query;
        if (query["site"].ToString().Length == 0)
            return Problems.Field(StatusCodes.Status400BadRequest, "Missing site", "\"site\" must be the site key.", "site");
        var customerId = query["customer_id"].ToString();
        var visitorId = query["visitor_id"].ToString();
        if ((customerId.Length > 0) == (visitorId.Length > 0))
            return Problems.Field(StatusCodes.Status400BadRequest, "One subject id", "Give exactly one of customer_id and visitor_id.",
                customerId.Length > 0 ? "visitor_id" : "customer_id");
        var (field, id) = customerId.Length > 0 ? ("customer_id", customerId) : ("visitor_id", visitorId);
        if (id.Length > 256) return Problems.Field(StatusCodes.Status400BadRequest, "Id too long", $"\"{field}\" is at most 256 characters.", field);

        var site = http.SiteOf();
        var subject = customerId.Length > 0 ? new SubjectRef(SubjectKey.Customer, customerId) : new SubjectRef(SubjectKey.Visitor, visitorId);
        var visitors = subject.Key == SubjectKey.Customer
            ? await SubjectVisitors.OfCustomerAsync(clickHouse, site.Id, customerId, ct)
            : [visitorId];
        var rows = visitors.Count == 0 ? [] : await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT toString(consent_id) AS consent_id, toUnixTimestamp(received_at) AS received_s, vid, analytics, marketing,
                policy_version, source, ip_truncated, user_agent
            FROM consents WHERE site_id = {site.Id} AND vid IN {SqlInList.Of(visitors)}
            ORDER BY received_at DESC, consent_id DESC
            """), PrivacyReadsJson.Default.ConsentProofRow, ct);
        var proofs = rows.Select(r => new Proof(r.ConsentId, DateTimeOffset.FromUnixTimeSeconds(r.ReceivedS), r.Vid,
            new Purposes(r.Analytics != 0, r.Marketing != 0), r.PolicyVersion, r.Source, r.IpTruncated, r.UserAgent)).ToList();

        // Every proof records every purpose, so the newest proof (of any of the subject's devices) is each purpose's state.
        var latest = new Dictionary<string, PurposeState>();
        if (proofs.Count > 0)
        {
            var newest = proofs[0];
            latest["analytics"] = new PurposeState(newest.Purposes.Analytics, newest.ReceivedAt, newest.ConsentId, newest.VisitorId);
            latest["marketing"] = new PurposeState(newest.Purposes.Marketing, newest.ReceivedAt, newest.ConsentId, newest.VisitorId);
        }

        await audit.RecordAsync(http.User, new AuditEntry(site.Id, "consents.read", "ok", Subject: subject,
            Detail: $"proofs: {proofs.Count}, visitor ids: {visitors.Count}"), ct);
        return TypedResults.Ok(new History(site.Key, new Subject(subject.Key == SubjectKey.Customer ? customerId : null,
            subject.Key == SubjectKey.Visitor ? visitorId : null), visitors, latest, proofs));
    }
}
