using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Auth;

/// <summary>Settings of the <c>Auth</c> section.</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// How often the version of users, tokens and site memberships is read (system.parts, no scan) and they are read
    /// again from ClickHouse when it changed: the longest a token revoked (or a membership ended) through another
    /// instance keeps working here.
    /// </summary>
    public TimeSpan TokenReloadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed sign-ins in a row that lock an account for <see cref="Lockout"/>.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in attempts (password, invitation, link) one client address may make a minute.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 30;

    /// <summary>How long a dashboard session lasts without a request (each request renews it).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Print a one-time sign-in link for the admin at start (./run.sh sets it).</summary>
    public bool SignInLinkAtStart { get; set; }
}

/// <summary>
/// Reloads the token and membership caches every <see cref="AuthOptions.TokenReloadInterval"/> once the schema is in
/// place, when their tables changed (whichever instance wrote them) since the last reload.
/// </summary>
public sealed class TokenReload(TokenStore tokens, Sites.SiteMembers members, IClickHouse clickHouse, SchemaReady schema, IOptions<AuthOptions> options,
    ILogger<TokenReload> logger) : BackgroundService
{
    static readonly string[] Tables = ["users", "api_tokens", "site_members"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.TokenReloadInterval);
        string? loaded = null;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var version = await TablesVersion.ReadAsync(clickHouse, Tables, stoppingToken); // before the rows: a write in between reloads next time
                if (version == loaded) continue;
                await tokens.LoadAsync(stoppingToken);
                await members.LoadAsync(stoppingToken);
                loaded = version;
            }
            catch (ClickHouseException e)
            {
                // The previous tokens and memberships stay in force until ClickHouse answers again.
                logger.LogWarning("Tokens or site memberships could not be reloaded: {Error}", e.Message);
            }
        }
    }
}
