namespace Analytics.Auth;

/// <summary>Claims of a signed-in caller besides its name and role (<see cref="BearerTokenHandler"/>).</summary>
public static class ApiClaims
{
    /// <summary>The user's id: what site memberships name. <see cref="TokenStore.BootstrapId"/> for the environment's admin token.</summary>
    public const string UserId = "user_id";
    public const string TokenId = "token_id";
}
