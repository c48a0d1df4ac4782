using System.Security.Claims;
using Analytics.Shared;
using Analytics.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Auth.SignIn;

/// <summary>
/// The dashboard's session: an HttpOnly, SameSite=Lax cookie (Secure on HTTPS), beside bearer tokens for scripts. A
/// request with an <c>Authorization</c> header is judged by its token alone; any other by the cookie. Each cookie
/// request checks that the user is still active, takes its current role, and that no password change since the
/// sign-in renewed the security stamp. State-changing cookie requests need the anti-forgery header.
/// </summary>
public static class CookieSessions
{
    public const string Scheme = "Cookie";
    public const string CookieName = "an_session";
    public const string CsrfHeader = "X-CSRF-TOKEN";
    const string SelectorScheme = "BearerOrCookie";
    const string StampClaim = "an_stamp";

    public static AuthenticationBuilder AddBearerOrCookie(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Keys beside the data, so that a restart does not sign everyone out. Nodes behind one address name one shared
        // directory (Auth:KeysDirectory), so that a cookie of one node is good on every node (docs/operations.md).
        var keys = configuration["Auth:KeysDirectory"] is { Length: > 0 } shared ? shared : Path.Combine(DataDirectory.Resolve(configuration), "keys");
        services.AddDataProtection().SetApplicationName("analytics").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = "an_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, null, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.Count > 0 ? BearerTokenHandler.SchemeName : Scheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // behind a TLS proxy: ANALYTICS_TRUSTED_PROXIES makes the scheme https
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = http => Status(http.Response, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = http => Status(http.Response, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = ValidateAsync;
            });
    }

    /// <summary>Session lifetime from <see cref="AuthOptions.SessionLifetime"/> (read when the cookie options are built).</summary>
    public static void ConfigureLifetime(IServiceCollection services) =>
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>>((cookie, auth) =>
            cookie.ExpireTimeSpan = auth.Value.SessionLifetime);

    static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>The claims of a signed-in user, as the bearer handler makes them, plus the security stamp of the sign-in.</summary>
    public static ClaimsPrincipal Principal(User user, string stamp) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(ApiClaims.UserId, user.Id), new Claim(StampClaim, stamp)], Scheme));

    static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var ct = context.HttpContext.RequestAborted;
        var userId = context.Principal?.FindFirstValue(ApiClaims.UserId);
        var user = userId is null ? null : await services.GetRequiredService<TokenStore>().FindUserAsync(userId, ct);
        var stamp = user is null ? null : await services.GetRequiredService<CredentialStore>().StampAsync(user.Id, ct);
        if (user is null || user.Deactivated || stamp != context.Principal!.FindFirstValue(StampClaim))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        if (context.Principal!.FindFirstValue(ClaimTypes.Role) != user.Role)
        {
            context.ReplacePrincipal(Principal(user, stamp!));
            context.ShouldRenew = true;
        }
    }

    /// <summary>
    /// Refuses a state-changing request that a cookie authenticated unless it carries the anti-forgery token of
    /// <c>GET /api/auth/csrf</c> in <see cref="CsrfHeader"/>: another site can make the browser send the cookie, not the header.
    /// </summary>
    public static void UseCookieCsrfCheck(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.User.Identity is { IsAuthenticated: true, AuthenticationType: Scheme } &&
            !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method)))
        {
            try
            {
                await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                await Problems.Field(StatusCodes.Status403Forbidden, "Anti-forgery token missing or invalid",
                    $"A request signed in by cookie must send the token of GET /api/auth/csrf in the {CsrfHeader} header.", CsrfHeader).ExecuteAsync(http);
                return;
            }
        }
        await next(http);
    });
}
