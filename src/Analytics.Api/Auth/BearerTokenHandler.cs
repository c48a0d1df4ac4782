using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Analytics.Auth;

/// <summary><c>Authorization: Bearer TOKEN</c> → a user with one role. No header: anonymous (the endpoint decides).</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (token.Length == 0) return AuthenticateResult.Fail("Empty bearer token.");
        ApiUser? user;
        try
        {
            user = await tokens.FindAsync(token, Context.RequestAborted);
        }
        catch (Storage.ClickHouseException e)
        {
            Logger.LogWarning("Token lookup failed: {Error}", e.Message);
            return AuthenticateResult.Fail("Tokens cannot be checked right now.");
        }
        if (user is null) return AuthenticateResult.Fail("Unknown or revoked token.");
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role),
             new Claim(ApiClaims.UserId, user.Id), new Claim(ApiClaims.TokenId, user.TokenId)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
