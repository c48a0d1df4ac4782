using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Analytics.Auth;
using Analytics.Privacy.Registry;
using Analytics.Storage;

namespace Analytics.Privacy.Audit;

/// <summary>One id of a data subject: a customer id, or a visitor id.</summary>
public sealed record SubjectRef(SubjectKey Key, string Id);

/// <summary>
/// What a privacy action did: <see cref="Action"/> is e.g. <c>request.erasure</c>, <c>export.download</c>,
/// <c>consents.read</c>, <c>retention.run</c>; <see cref="Result"/> e.g. <c>queued</c>, <c>completed</c>, <c>failed</c>.
/// <see cref="Detail"/> is free text that never holds a subject id (counts, table names). A read of a stored request
/// passes the pseudonym stored with it (<see cref="SubjectPseudonym"/>), as the id is not at hand.
/// </summary>
public sealed record AuditEntry(string SiteId, string Action, string Result, string? RequestId = null, SubjectRef? Subject = null, string Detail = "",
    string? SubjectPseudonym = null);

/// <summary>
/// Writes the privacy audit log (table <c>privacy_audit</c>). The write goes straight to ClickHouse and its failure is
/// the caller's failure: a privacy action that cannot be audited does not happen silently.
/// </summary>
public sealed class PrivacyAudit(IClickHouse clickHouse, AuditKey key, TimeProvider time)
{
    /// <summary>The role and user an automatic job (retention, salts) records under.</summary>
    public const string SystemActor = "system";

    public Task RecordAsync(ClaimsPrincipal actor, AuditEntry entry, CancellationToken ct) =>
        WriteAsync(actor.FindFirstValue(ApiClaims.UserId) ?? actor.Identity?.Name ?? "", actor.FindFirstValue(ClaimTypes.Role) ?? "", entry, ct);

    /// <summary>An entry of the service itself (a scheduled job), not of a user.</summary>
    public Task RecordSystemAsync(AuditEntry entry, CancellationToken ct) => WriteAsync(SystemActor, SystemActor, entry, ct);

    /// <summary>The keyed pseudonym of a subject id: equal ids give equal pseudonyms; without the key it names no one.</summary>
    public string Pseudonym(SubjectRef subject) => key.Pseudonym($"{subject.Key}:{subject.Id}");

    async Task WriteAsync(string userId, string role, AuditEntry e, CancellationToken ct)
    {
        var at = time.GetUtcNow().ToUnixTimeSeconds();
        var subject = e.Subject is { } s ? Pseudonym(s) : e.SubjectPseudonym ?? "";
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO privacy_audit (audit_id, site_id, at, user_id, role, action, request_id, subject, result, detail)
            SELECT toUUID({Guid.CreateVersion7().ToString()}), {e.SiteId}, toDateTime({at}), {userId}, {role}, {e.Action},
                   {e.RequestId ?? ""}, {subject}, {e.Result}, {e.Detail}
            """), ct);
    }
}

/// <summary>
/// The installation's secret for audit pseudonyms: <c>Privacy:AuditKey</c> (at least 32 characters) when set, which
/// every node of a cluster must share; else a random key created once in the data directory (<c>audit-key</c>, 0600).
/// </summary>
public sealed class AuditKey
{
    readonly byte[] key;

    public AuditKey(byte[] key)
    {
        if (key.Length < 32) throw new ArgumentException("The audit key needs at least 32 bytes.", nameof(key));
        this.key = key;
    }

    public static AuditKey Resolve(string? configured, string dataDir)
    {
        if (!string.IsNullOrEmpty(configured))
            return configured.Length >= 32 ? new AuditKey(Encoding.UTF8.GetBytes(configured))
                : throw new InvalidOperationException("Privacy:AuditKey must be at least 32 characters.");
        var path = Path.Combine(dataDir, "audit-key");
        if (!File.Exists(path)) PrivateFiles.WriteAllText(path, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        return new AuditKey(Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim()));
    }

    public string Pseudonym(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));
}
