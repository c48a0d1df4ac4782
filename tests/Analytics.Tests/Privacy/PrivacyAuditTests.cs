using System.Security.Claims;
using System.Text.Json;
using Analytics.Auth;
using Analytics.Privacy.Audit;
using Analytics.Privacy.Registry;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Privacy;

/// <summary>The audit log names who did what and when, and the subject only by a keyed pseudonym: on both engines.</summary>
public abstract class PrivacyAuditTests(EngineFixture engine)
{
    static readonly AuditKey Key = new("0123456789abcdef0123456789abcdef"u8.ToArray());

    [Fact]
    public async Task An_entry_holds_the_actor_and_a_pseudonym_of_the_subject_never_its_id()
    {
        var audit = new PrivacyAudit(engine.ClickHouse, Key, TimeProvider.System);
        var site = Guid.NewGuid().ToString("N");
        var officer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ApiClaims.UserId, "u-7"), new Claim(ClaimTypes.Role, Roles.PrivacyOfficer)], "test"));
        var subject = new SubjectRef(SubjectKey.Customer, "alice@example.com");

        await audit.RecordAsync(officer, new AuditEntry(site, "request.erasure", "queued", "r-1", subject, "events: 3 rows"), CancellationToken.None);
        await audit.RecordSystemAsync(new AuditEntry(site, "retention.run", "completed"), CancellationToken.None);

        var rows = await engine.ClickHouse.QueryListAsync(Sql.Query($"""
            SELECT user_id, role, action, request_id, subject, result, detail FROM privacy_audit WHERE site_id = {site} ORDER BY action
            """), StorageJson.Default.JsonElement);
        Assert.Equal(2, rows.Count);
        var erasure = rows[0];
        Assert.Equal(["u-7", Roles.PrivacyOfficer, "request.erasure", "r-1", "queued"],
            new[] { "user_id", "role", "action", "request_id", "result" }.Select(c => erasure.GetProperty(c).GetString()));
        var pseudonym = erasure.GetProperty("subject").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", pseudonym);
        Assert.Equal(audit.Pseudonym(new SubjectRef(SubjectKey.Customer, "alice@example.com")), pseudonym);
        Assert.NotEqual(audit.Pseudonym(new SubjectRef(SubjectKey.Visitor, "alice@example.com")), pseudonym);
        Assert.DoesNotContain(rows, r => r.GetRawText().Contains("alice"));
        Assert.Equal(["system", "system", ""], new[] { "user_id", "role", "subject" }.Select(c => rows[1].GetProperty(c).GetString()));
    }

    [Fact]
    public void Without_a_configured_key_one_is_made_once_in_the_data_directory_for_the_owner_only()
    {
        var dir = Directory.CreateTempSubdirectory("analytics-audit-key-").FullName;
        var first = AuditKey.Resolve(null, dir).Pseudonym("x");
        Assert.Equal(first, AuditKey.Resolve(null, dir).Pseudonym("x"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "audit-key")));
        Assert.NotEqual(first, AuditKey.Resolve(new string('k', 32), dir).Pseudonym("x"));
        Assert.Throws<InvalidOperationException>(() => AuditKey.Resolve("short", dir));
        Directory.Delete(dir, recursive: true);
    }
}

public sealed class PrivacyAuditTestsEmbedded(EmbeddedEngine engine) : PrivacyAuditTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class PrivacyAuditTestsServer(ServerEngine engine) : PrivacyAuditTests(engine), IClassFixture<ServerEngine>;
