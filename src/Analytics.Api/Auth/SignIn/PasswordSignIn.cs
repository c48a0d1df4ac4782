using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Analytics.Auth.SignIn;

/// <summary>What a sign-in attempt came to: the user, a refusal, or a lockout until a time.</summary>
public abstract record SignInOutcome
{
    public sealed record Success(User User, Credential Credential) : SignInOutcome;
    public sealed record Refused : SignInOutcome;
    public sealed record Locked(DateTimeOffset Until) : SignInOutcome;
}

/// <summary>
/// Checks a login and password with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2), counts
/// failures and locks the account for <see cref="AuthOptions.Lockout"/> after <see cref="AuthOptions.MaxFailedSignIns"/>
/// in a row. An unknown login costs a hash too, so the answer's time does not tell which logins exist.
/// </summary>
public sealed class PasswordSignIn(CredentialStore credentials, TokenStore users, IOptions<AuthOptions> options, TimeProvider time)
{
    static readonly PasswordHasher<User> Hasher = new();
    static readonly User Nobody = new("", "", "", DateTimeOffset.UnixEpoch, Deactivated: true);
    static readonly string DummyHash = Hasher.HashPassword(Nobody, "not a password of anyone");

    public static string Hash(User user, string password) => Hasher.HashPassword(user, password);

    /// <summary>Why a new password is refused, or null when it will do.</summary>
    public static string? Weakness(string? password, string login) => password switch
    {
        null or "" => "A password is required.",
        { Length: < MinimumLength } => $"A password needs at least {MinimumLength} characters.",
        { Length: > 128 } => "A password may have at most 128 characters.",
        _ when string.Equals(password.Trim(), login.Trim(), StringComparison.OrdinalIgnoreCase) => "The password must not be the login.",
        _ when password.Distinct().Count() < 4 => "The password needs at least 4 different characters.",
        _ => null,
    };

    public const int MinimumLength = 12;

    public async Task<SignInOutcome> SignInAsync(string login, string password, CancellationToken ct)
    {
        var credential = await credentials.FindByLoginAsync(login.Trim(), ct);
        var user = credential is null ? null : await users.FindUserAsync(credential.UserId, ct);
        if (credential is null || user is null || user.Deactivated || credential.PasswordHash.Length == 0)
        {
            Hasher.VerifyHashedPassword(Nobody, DummyHash, password);
            return new SignInOutcome.Refused();
        }
        var now = time.GetUtcNow();
        if (credential.LockedUntil > now) return new SignInOutcome.Locked(credential.LockedUntil);
        var verified = Hasher.VerifyHashedPassword(user, credential.PasswordHash, password);
        if (verified == PasswordVerificationResult.Failed)
        {
            var failed = credential.FailedSignIns + 1;
            var locked = failed >= options.Value.MaxFailedSignIns;
            await credentials.WriteAsync(credential with
            {
                FailedSignIns = locked ? 0 : failed,
                LockedUntil = locked ? DateTimeOffset.FromUnixTimeSeconds((now + options.Value.Lockout).ToUnixTimeSeconds() + 1) : credential.LockedUntil,
            }, ct);
            return locked ? new SignInOutcome.Locked(now + options.Value.Lockout) : new SignInOutcome.Refused();
        }
        if (credential.FailedSignIns > 0 || verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            credential = credential with
            {
                FailedSignIns = 0,
                PasswordHash = verified == PasswordVerificationResult.SuccessRehashNeeded ? Hash(user, password) : credential.PasswordHash,
            };
            await credentials.WriteAsync(credential, ct);
        }
        return new SignInOutcome.Success(user, credential);
    }

    /// <summary>True when <paramref name="password"/> is the user's current one (for a password change).</summary>
    public static bool Verify(User user, Credential credential, string password) =>
        credential.PasswordHash.Length > 0 && Hasher.VerifyHashedPassword(user, credential.PasswordHash, password) != PasswordVerificationResult.Failed;
}
