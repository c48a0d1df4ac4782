using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Auth.SignIn;

/// <summary>A user's sign-in: login, password hash (empty until one is set), failures, lockout and security stamp.</summary>
public sealed record Credential(string UserId, string Login, string PasswordHash, int FailedSignIns, DateTimeOffset LockedUntil, string SecurityStamp)
{
    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>A one-time link: an invitation (<see cref="CredentialStore.Invitation"/>) or a sign-in link.</summary>
public sealed record OneTimeLink(string UserId, string Kind, string Login, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>user_credentials</c> and <c>user_links</c>. Link tokens are shown once and stored only as SHA-256, as API
/// tokens are. Security stamps are cached per user for <see cref="AuthOptions.TokenReloadInterval"/>: the longest a
/// session ended by a password change on another instance keeps working here.
/// </summary>
public sealed class CredentialStore(IClickHouse clickHouse, IOptions<AuthOptions> options, TimeProvider time)
{
    public const string Invitation = "invitation";
    public const string SignInLink = "sign_in";

    readonly ConcurrentDictionary<string, (string Stamp, DateTimeOffset ReadAt)> stamps = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, byte> spent = new(StringComparer.Ordinal); // links spent through this instance

    public async Task<Credential?> FindByLoginAsync(string login, CancellationToken ct) =>
        Of(await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT user_id, login, password_hash, failed_sign_ins, toUnixTimestamp(locked_until) AS locked_until_s, security_stamp
            FROM user_credentials FINAL WHERE login = {login} LIMIT 1
            """), SignInJson.Default.CredentialRow, ct));

    public async Task<Credential?> FindByUserAsync(string userId, CancellationToken ct) =>
        Of(await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT user_id, login, password_hash, failed_sign_ins, toUnixTimestamp(locked_until) AS locked_until_s, security_stamp
            FROM user_credentials FINAL WHERE user_id = {userId} LIMIT 1
            """), SignInJson.Default.CredentialRow, ct));

    public async Task WriteAsync(Credential credential, CancellationToken ct)
    {
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO user_credentials (user_id, login, password_hash, failed_sign_ins, locked_until, security_stamp, changed_at, version)
            VALUES ({credential.UserId}, {credential.Login}, {credential.PasswordHash}, {credential.FailedSignIns}, {credential.LockedUntil},
                    {credential.SecurityStamp}, {time.GetUtcNow()}, {ChangeVersion.Next()})
            """), ct);
        stamps[credential.UserId] = (credential.SecurityStamp, time.GetUtcNow());
    }

    /// <summary>The user's current security stamp ("" without credentials), from the cache while it is fresh.</summary>
    public async Task<string> StampAsync(string userId, CancellationToken ct)
    {
        if (stamps.TryGetValue(userId, out var cached) && time.GetUtcNow() - cached.ReadAt < options.Value.TokenReloadInterval) return cached.Stamp;
        var stamp = (await FindByUserAsync(userId, ct))?.SecurityStamp ?? "";
        stamps[userId] = (stamp, time.GetUtcNow());
        return stamp;
    }

    /// <summary>Makes a one-time link of <paramref name="kind"/> for the user; the token returned is its only copy.</summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)> CreateLinkAsync(string userId, string kind, string login, TimeSpan lifetime, CancellationToken ct)
    {
        var token = "ln_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var now = time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO user_links (link_hash, user_id, kind, login, created_at, expires_at, used, version)
            VALUES ({TokenStore.Hash(token)}, {userId}, {kind}, {login}, {now}, {expires}, 0, {ChangeVersion.Next()})
            """), ct);
        return (token, expires);
    }

    /// <summary>The link of this token and kind if it is unused and unexpired; else null.</summary>
    public async Task<OneTimeLink?> FindLinkAsync(string token, string kind, CancellationToken ct)
    {
        var row = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT user_id, kind, login, toUnixTimestamp(created_at) AS created_s, toUnixTimestamp(expires_at) AS expires_s, used
            FROM user_links FINAL WHERE link_hash = {TokenStore.Hash(token)} LIMIT 1
            """), SignInJson.Default.LinkRow, ct);
        if (row is null || row.Kind != kind || row.Used != 0 || DateTimeOffset.FromUnixTimeSeconds(row.ExpiresS) <= time.GetUtcNow()) return null;
        return new OneTimeLink(row.UserId, row.Kind, row.Login, DateTimeOffset.FromUnixTimeSeconds(row.CreatedS), DateTimeOffset.FromUnixTimeSeconds(row.ExpiresS));
    }

    /// <summary>
    /// Marks the link used; false when another request of this instance spent it first. (Two instances spending one
    /// link in the same instant could both pass: the link's holder is the same person either way.)
    /// </summary>
    public async Task<bool> SpendLinkAsync(string token, OneTimeLink link, CancellationToken ct)
    {
        var hash = TokenStore.Hash(token);
        if (!spent.TryAdd(hash, 0)) return false;
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO user_links (link_hash, user_id, kind, login, created_at, expires_at, used, version)
            VALUES ({hash}, {link.UserId}, {link.Kind}, {link.Login}, {link.CreatedAt}, {link.ExpiresAt}, 1, {ChangeVersion.Next()})
            """), ct);
        return true;
    }

    static Credential? Of(CredentialRow? row) => row is null ? null
        : new Credential(row.UserId, row.Login, row.PasswordHash, row.FailedSignIns, DateTimeOffset.FromUnixTimeSeconds(row.LockedUntilS), row.SecurityStamp);
}

public sealed record CredentialRow(string UserId, string Login, string PasswordHash, int FailedSignIns, long LockedUntilS, string SecurityStamp);
public sealed record LinkRow(string UserId, string Kind, string Login, long CreatedS, long ExpiresS, int Used);

[JsonSerializable(typeof(CredentialRow))]
[JsonSerializable(typeof(LinkRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class SignInJson : JsonSerializerContext;
