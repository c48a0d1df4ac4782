using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Auth.SignIn;

/// <summary>
/// With <c>Auth:SignInLinkAtStart</c> (<c>./run.sh</c> sets it): once the schema is ready, makes sure a stored admin
/// user with the login <c>admin</c> exists and prints a one-time sign-in link for it, so that the person who started
/// the service can open the dashboard without handling a token.
/// </summary>
public sealed class AdminSignInLink(TokenStore users, CredentialStore credentials, SchemaReady schema, IOptions<AuthOptions> options,
    IConfiguration configuration, ILogger<AdminSignInLink> logger) : BackgroundService
{
    public const string Login = "admin";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SignInLinkAtStart) return;
        await schema.WaitAsync(stoppingToken);
        try
        {
            var credential = await credentials.FindByLoginAsync(Login, stoppingToken);
            var user = credential is null ? null : await users.FindUserAsync(credential.UserId, stoppingToken);
            if (credential is not null && (user is null || user.Deactivated || user.Role != Roles.Admin))
            {
                logger.LogWarning("No sign-in link: the login '{Login}' belongs to a user who is not an active admin. Use the admin token.", Login);
                return;
            }
            if (user is null)
            {
                user = await users.CreateUserAsync("Admin", Roles.Admin, withToken: false, stoppingToken);
                await credentials.WriteAsync(new Credential(user.Id, Login, "", 0, DateTimeOffset.UnixEpoch, Credential.NewStamp()), stoppingToken);
            }
            var (token, expires) = await credentials.CreateLinkAsync(user.Id, CredentialStore.SignInLink, "", options.Value.SignInLinkLifetime, stoppingToken);
            var url = (configuration["ANALYTICS_URLS"] is { Length: > 0 } urls ? urls.Split(';')[0] : "http://127.0.0.1:5080").TrimEnd('/');
            // Printed, not logged: it is for the person at the terminal, and logs are kept and shipped.
            Console.WriteLine($"  Sign in:     {url}/auth/link?token={token}   (one-time link for the admin, valid until {expires:HH:mm} UTC)");
        }
        catch (ClickHouseException e)
        {
            logger.LogWarning("No sign-in link: the store is not reachable ({Error}). Use the admin token.", e.Message);
        }
    }
}
