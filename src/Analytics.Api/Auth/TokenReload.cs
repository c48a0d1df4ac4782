using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Auth;

/// <summary>Settings of the <c>Auth</c> section.</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// How often tokens, users and site memberships are read again from ClickHouse: the longest a token revoked
    /// (or a membership ended) through another instance keeps working here.
    /// </summary>
    public TimeSpan TokenReloadInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Reloads the token and membership caches every <see cref="AuthOptions.TokenReloadInterval"/> once the schema is in place.</summary>
public sealed class TokenReload(TokenStore tokens, Sites.SiteMembers members, SchemaReady schema, IOptions<AuthOptions> options, ILogger<TokenReload> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.TokenReloadInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await tokens.LoadAsync(stoppingToken);
                await members.LoadAsync(stoppingToken);
            }
            catch (ClickHouseException e)
            {
                // The previous tokens and memberships stay in force until ClickHouse answers again.
                logger.LogWarning("Tokens or site memberships could not be reloaded: {Error}", e.Message);
            }
        }
    }
}
