using System.Security.Claims;
using Analytics.Auth.SignIn;
using Analytics.Shared;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Analytics.Auth;

public sealed record CreateUserRequest(string? Name, string? Role);
public sealed record CreatedUserResponse(string Id, string Name, string Role, string TokenId, string Token);
public sealed record IssuedTokenResponse(string TokenId, string Token);
public sealed record TokenResponse(string TokenId, DateTimeOffset CreatedAt);
public sealed record UserResponse(string Id, string Name, string Role, bool Deactivated, DateTimeOffset CreatedAt, IReadOnlyList<TokenResponse> Tokens);

public sealed class CreateUserValidator : AbstractValidator<CreateUserRequest>
{
    public CreateUserValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Role).NotEmpty().Must(r => Roles.All.Contains(r!)).WithMessage($"Role must be one of: {string.Join(", ", Roles.All)}.");
    }
}

public static class AuthApi
{
    public static void AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Auth")
            .Validate(o => o.TokenReloadInterval > TimeSpan.Zero, "Auth:TokenReloadInterval must be positive.")
            .Validate(o => o.MaxFailedSignIns > 0 && o.Lockout > TimeSpan.Zero, "Auth:MaxFailedSignIns and Auth:Lockout must be positive.")
            .Validate(o => o.SessionLifetime > TimeSpan.Zero && o.InvitationLifetime > TimeSpan.Zero && o.SignInLinkLifetime > TimeSpan.Zero,
                "Auth:SessionLifetime, InvitationLifetime and SignInLinkLifetime must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenStore>();
        builder.Services.AddHostedService<TokenReload>();
        builder.Services.AddSingleton<IValidator<CreateUserRequest>, CreateUserValidator>();
        builder.Services.AddBearerOrCookie(builder.Configuration);
        builder.Services.AddSignIn();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.Marketer, p => p.RequireRole(Roles.Marketer, Roles.Admin))
            .AddPolicy(Roles.PrivacyOfficer, p => p.RequireRole(Roles.PrivacyOfficer, Roles.Admin))
            .AddPolicy(Roles.Service, p => p.RequireRole(Roles.Service, Roles.Admin))
            .AddPolicy(Roles.Metrics, p => p.RequireRole(Roles.Metrics, Roles.Admin))
            .AddPolicy(Roles.AnyUser, p => p.RequireRole(Roles.People))
            // Deny by default: an endpoint that names no policy is for admins; anonymous ones say AllowAnonymous.
            // No scheme named: the policy reads the user UseAuthentication set, so tracker requests stay unauthenticated.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireRole(Roles.Admin).Build());
    }

    public static void MapAuth(this WebApplication app)
    {
        app.MapSignIn();
        var users = app.MapGroup("/api/users").RequireAuthorization(Roles.Admin);
        users.MapPost("/", Create);
        users.MapGet("/", List);
        users.MapPost("/{id}/tokens", IssueToken);
        users.MapDelete("/{id}", Deactivate);
        users.MapDelete("/tokens/{tokenId}", Revoke);
        app.MapGet("/api/me", (HttpContext http) => TypedResults.Ok(new
        {
            id = http.User.FindFirstValue(ApiClaims.UserId),
            name = http.User.Identity!.Name,
            role = http.User.FindFirstValue(ClaimTypes.Role),
        })).RequireAuthorization(Roles.AnyUser);
    }

    static async Task<Results<Created<CreatedUserResponse>, ValidationProblem>> Create(
        CreateUserRequest request, IValidator<CreateUserRequest> validator, TokenStore tokens, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return TypedResults.ValidationProblem(validation.ToDictionary());
        var (user, stored, token) = await tokens.CreateUserAsync(request.Name!.Trim(), request.Role!, ct);
        return TypedResults.Created($"/api/users/{user.Id}", new CreatedUserResponse(user.Id, user.Name, user.Role, stored.TokenId, token));
    }

    static async Task<Ok<List<UserResponse>>> List(TokenStore tokens, CancellationToken ct) =>
        TypedResults.Ok((await tokens.ListAsync(ct)) // the users and tokens of every instance, as stored now
            .Select(u => new UserResponse(u.User.Id, u.User.Name, u.User.Role, u.User.Deactivated, u.User.CreatedAt,
                u.Tokens.Select(t => new TokenResponse(t.TokenId, t.CreatedAt)).ToList()))
            .ToList());

    static async Task<IResult> IssueToken(string id, TokenStore tokens, CancellationToken ct) =>
        await tokens.IssueTokenAsync(id, ct) is var (stored, token)
            ? TypedResults.Created($"/api/users/tokens/{stored.TokenId}", new IssuedTokenResponse(stored.TokenId, token))
            : UnknownUser(id);

    static async Task<IResult> Deactivate(string id, TokenStore tokens, CancellationToken ct) =>
        await tokens.DeactivateAsync(id, ct) ? TypedResults.NoContent() : UnknownUser(id);

    static async Task<Results<NoContent, NotFound>> Revoke(string tokenId, TokenStore tokens, CancellationToken ct) =>
        await tokens.RevokeAsync(tokenId, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    static IResult UnknownUser(string id) =>
        Problems.Field(StatusCodes.Status404NotFound, "Unknown user", $"No active user has the id '{id}'.", "id");
}
