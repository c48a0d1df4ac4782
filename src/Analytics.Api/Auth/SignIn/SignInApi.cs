using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Analytics.Shared;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Analytics.Auth.SignIn;

public sealed record SignInRequest(string? Login, string? Password);
public sealed record AcceptInvitationRequest(string? Token, string? Password);
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
public sealed record InvitationRequest(string? Login);
public sealed record ChangeRoleRequest(string? Role);
public sealed record SignedInResponse(string Id, string Name, string Role, string Login);
public sealed record LinkResponse(string Url, string Token, DateTimeOffset ExpiresAt);
public sealed record CsrfResponse(string Token, string Header);

/// <summary>
/// Sign-in for people (the dashboard): password, one-time links (invitations that set a password; sign-in links),
/// the session cookie and its anti-forgery token. Admins invite users, set their roles and issue sign-in links.
/// </summary>
public static class SignInApi
{
    public static void AddSignIn(this IServiceCollection services)
    {
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<PasswordSignIn>();
        services.AddHostedService<AdminSignInLink>();
        CookieSessions.ConfigureLifetime(services);
        // Per client address, beside the lockout per account: one address trying many logins is slowed down too.
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy<IPAddress>(AttemptsRateLimit, http =>
            RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress ?? IPAddress.None, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInAttemptsPerMinute,
                Window = TimeSpan.FromMinutes(1),
            })));
    }

    public const string AttemptsRateLimit = "sign-in";

    public static void MapSignIn(this WebApplication app)
    {
        var auth = app.MapGroup("/api/auth");
        auth.MapPost("/signin", SignIn).AllowAnonymous().RequireRateLimiting(AttemptsRateLimit);
        auth.MapPost("/invitations/accept", AcceptInvitation).AllowAnonymous().RequireRateLimiting(AttemptsRateLimit);
        auth.MapPost("/signout", SignOut).RequireAuthorization(Roles.AnyUser);
        auth.MapGet("/csrf", (HttpContext http, IAntiforgery antiforgery) =>
            TypedResults.Ok(new CsrfResponse(antiforgery.GetAndStoreTokens(http).RequestToken!, CookieSessions.CsrfHeader))).RequireAuthorization(Roles.AnyUser);
        auth.MapPut("/password", ChangePassword).RequireAuthorization(Roles.AnyUser);
        app.MapGet("/auth/link", FollowSignInLink).AllowAnonymous().RequireRateLimiting(AttemptsRateLimit);

        var users = app.MapGroup("/api/users").RequireAuthorization(Roles.Admin);
        users.MapPost("/{id}/invitation", Invite);
        users.MapPost("/{id}/signin-link", IssueSignInLink);
        users.MapPut("/{id}/role", ChangeRole);
    }

    static async Task<IResult> SignIn(SignInRequest request, HttpContext http, PasswordSignIn passwords, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Login)) return Problems.Field(400, "Login required", "Give the login.", "login");
        if (string.IsNullOrEmpty(request.Password)) return Problems.Field(400, "Password required", "Give the password.", "password");
        switch (await passwords.SignInAsync(request.Login, request.Password, ct))
        {
            case SignInOutcome.Success(var user, var credential):
                await http.SignInAsync(CookieSessions.Scheme, CookieSessions.Principal(user, credential.SecurityStamp));
                return TypedResults.Ok(new SignedInResponse(user.Id, user.Name, user.Role, credential.Login));
            case SignInOutcome.Locked(var until):
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((until - DateTimeOffset.UtcNow).TotalSeconds)).ToString();
                return Problems.Field(StatusCodes.Status429TooManyRequests, "Account locked",
                    $"Too many failed sign-ins: the account is locked until {until:u}.", "login");
            default:
                return Problems.Field(StatusCodes.Status401Unauthorized, "Sign-in failed", "The login or the password is wrong.", "password");
        }
    }

    static async Task<IResult> AcceptInvitation(AcceptInvitationRequest request, HttpContext http, CredentialStore credentials, TokenStore users, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Token)) return Problems.Field(400, "Token required", "Give the invitation's token.", "token");
        // The password is judged before the link is spent: a refused password leaves the invitation usable.
        var link = await credentials.FindLinkAsync(request.Token, CredentialStore.Invitation, ct);
        if (link is null) return Problems.Field(400, "Invalid invitation", "This invitation is unknown, used or expired: ask an admin for a new one.", "token");
        var user = await users.FindUserAsync(link.UserId, ct);
        if (user is null || user.Deactivated) return Problems.Field(400, "Invalid invitation", "The invited user is deactivated.", "token");
        if (PasswordSignIn.Weakness(request.Password, link.Login) is { } weakness) return Problems.Field(400, "Password refused", weakness, "password");
        if (!await credentials.SpendLinkAsync(request.Token, link, ct))
            return Problems.Field(400, "Invalid invitation", "This invitation was used meanwhile.", "token");
        var credential = new Credential(user.Id, link.Login, PasswordSignIn.Hash(user, request.Password!), 0, DateTimeOffset.UnixEpoch, Credential.NewStamp());
        await credentials.WriteAsync(credential, ct);
        await http.SignInAsync(CookieSessions.Scheme, CookieSessions.Principal(user, credential.SecurityStamp));
        return TypedResults.Ok(new SignedInResponse(user.Id, user.Name, user.Role, credential.Login));
    }

    // Two parameters: a (HttpContext) => Task<IResult> method would bind as a RequestDelegate and its result be ignored.
    static async Task<IResult> SignOut(HttpContext http, CancellationToken ct)
    {
        await http.SignOutAsync(CookieSessions.Scheme);
        return TypedResults.NoContent();
    }

    /// <summary>A new password for the signed-in user (the current one must be given when there is one); ends every other session.</summary>
    static async Task<IResult> ChangePassword(ChangePasswordRequest request, HttpContext http, CredentialStore credentials, TokenStore users, CancellationToken ct)
    {
        var user = http.User.FindFirstValue(ApiClaims.UserId) is { } id ? await users.FindUserAsync(id, ct) : null;
        if (user is null) return Problems.Field(400, "No stored user", "The bootstrap admin token has no password; sign in as a user.", "user");
        var credential = await credentials.FindByUserAsync(user.Id, ct);
        if (credential is null) return Problems.Field(400, "No login", "This user has no login yet: an admin sends an invitation.", "user");
        if (credential.PasswordHash.Length > 0 && !PasswordSignIn.Verify(user, credential, request.CurrentPassword ?? ""))
            return Problems.Field(400, "Wrong password", "The current password is wrong.", "current_password");
        if (PasswordSignIn.Weakness(request.NewPassword, credential.Login) is { } weakness) return Problems.Field(400, "Password refused", weakness, "new_password");
        credential = credential with { PasswordHash = PasswordSignIn.Hash(user, request.NewPassword!), FailedSignIns = 0, SecurityStamp = Credential.NewStamp() };
        await credentials.WriteAsync(credential, ct);
        if (http.User.Identity?.AuthenticationType == CookieSessions.Scheme) // this session goes on with the new stamp
            await http.SignInAsync(CookieSessions.Scheme, CookieSessions.Principal(user, credential.SecurityStamp));
        return TypedResults.NoContent();
    }

    /// <summary><c>GET /auth/link?token=</c>: a one-time sign-in link sets the session cookie and opens the dashboard.</summary>
    static async Task<IResult> FollowSignInLink(string? token, HttpContext http, CredentialStore credentials, TokenStore users, CancellationToken ct)
    {
        var link = string.IsNullOrEmpty(token) ? null : await credentials.FindLinkAsync(token, CredentialStore.SignInLink, ct);
        var user = link is null ? null : await users.FindUserAsync(link.UserId, ct);
        if (link is null || user is null || user.Deactivated || !await credentials.SpendLinkAsync(token!, link, ct))
            return Problems.Field(400, "Invalid sign-in link", "This link is unknown, used or expired.", "token");
        var stamp = await credentials.StampAsync(user.Id, ct);
        await http.SignInAsync(CookieSessions.Scheme, CookieSessions.Principal(user, stamp));
        return TypedResults.Redirect("/");
    }

    static async Task<IResult> Invite(string id, InvitationRequest request, HttpContext http, CredentialStore credentials, TokenStore users,
        IOptions<AuthOptions> options, CancellationToken ct)
    {
        var user = await users.FindUserAsync(id, ct);
        if (user is null || user.Deactivated) return UnknownUser(id);
        var login = request.Login?.Trim() ?? "";
        if (login.Length is < 3 or > 200 || login.Any(char.IsWhiteSpace))
            return Problems.Field(400, "Invalid login", "A login has 3 to 200 characters and no spaces (an e-mail address will do).", "login");
        if (await credentials.FindByLoginAsync(login, ct) is { } taken && taken.UserId != user.Id)
            return Problems.Field(409, "Login taken", $"Another user signs in as '{login}'.", "login");
        var existing = await credentials.FindByUserAsync(user.Id, ct);
        // The login is the user's from now on; a password set before stays until the invitation is accepted.
        await credentials.WriteAsync(existing is null
            ? new Credential(user.Id, login, "", 0, DateTimeOffset.UnixEpoch, Credential.NewStamp())
            : existing with { Login = login }, ct);
        var (token, expires) = await credentials.CreateLinkAsync(user.Id, CredentialStore.Invitation, login, options.Value.InvitationLifetime, ct);
        return TypedResults.Created($"/api/users/{id}", new LinkResponse($"{BaseUrl(http)}/invite#token={token}", token, expires));
    }

    static async Task<IResult> IssueSignInLink(string id, HttpContext http, CredentialStore credentials, TokenStore users, IOptions<AuthOptions> options, CancellationToken ct)
    {
        var user = await users.FindUserAsync(id, ct);
        if (user is null || user.Deactivated) return UnknownUser(id);
        var (token, expires) = await credentials.CreateLinkAsync(user.Id, CredentialStore.SignInLink, "", options.Value.SignInLinkLifetime, ct);
        return TypedResults.Created($"/api/users/{id}", new LinkResponse($"{BaseUrl(http)}/auth/link?token={token}", token, expires));
    }

    static async Task<IResult> ChangeRole(string id, ChangeRoleRequest request, TokenStore users, CancellationToken ct)
    {
        if (request.Role is null || !Roles.All.Contains(request.Role))
            return Problems.Field(400, "Invalid role", $"Role must be one of: {string.Join(", ", Roles.All)}.", "role");
        return await users.ChangeRoleAsync(id, request.Role, ct) ? TypedResults.NoContent() : UnknownUser(id);
    }

    static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    static IResult UnknownUser(string id) => Problems.Field(404, "Unknown user", $"No active user has the id '{id}'.", "id");
}
