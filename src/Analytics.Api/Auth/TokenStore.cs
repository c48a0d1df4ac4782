using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Auth;

public sealed record ApiUser(string Name, string Role, string TokenId);

/// <summary>
/// API tokens: only their SHA-256 is stored (<c>api_tokens</c>) and cached; the token itself is shown once,
/// when it is created. The bootstrap admin token comes from <c>ANALYTICS_ADMIN_TOKEN</c> and is never stored.
/// The cache is one immutable map, replaced whole by each load: a lookup during a reload sees the old map or the
/// new one, never a half-filled one. <see cref="TokenReload"/> reloads it periodically, so that a token revoked
/// through another instance on the same ClickHouse stops working here too.
/// </summary>
public sealed class TokenStore(IClickHouse clickHouse, IConfiguration config)
{
    volatile FrozenDictionary<string, ApiUser>? byHash;
    // Loads run one at a time, so a load that began before a write cannot publish after the load that follows it.
    readonly SemaphoreSlim loading = new(1, 1);

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public async Task<ApiUser?> FindAsync(string token, CancellationToken ct)
    {
        if (config["ANALYTICS_ADMIN_TOKEN"] is { Length: >= 16 } admin &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(admin)))
            return new ApiUser("admin", Roles.Admin, "bootstrap");
        var tokens = byHash ?? await LoadAsync(ct);
        return tokens.GetValueOrDefault(Hash(token));
    }

    /// <summary>Reads the tokens that are not revoked and replaces the cache with them.</summary>
    public async Task<FrozenDictionary<string, ApiUser>> LoadAsync(CancellationToken ct)
    {
        await loading.WaitAsync(ct);
        try
        {
            var loaded = new Dictionary<string, ApiUser>(StringComparer.Ordinal);
            await foreach (var row in clickHouse.QueryAsync(
                               Sql.Query($"SELECT token_hash, user_name, role FROM api_tokens FINAL WHERE revoked = 0"), AuthJson.Default.TokenRow, ct))
                loaded[row.TokenHash] = new ApiUser(row.UserName, row.Role, row.TokenHash[..12]);
            var tokens = loaded.ToFrozenDictionary(StringComparer.Ordinal);
            byHash = tokens;
            return tokens;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>Creates a user token; the returned token is the only copy.</summary>
    public async Task<(string Token, ApiUser User)> CreateAsync(string name, string role, CancellationToken ct)
    {
        var token = "at_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var hash = Hash(token);
        var now = DateTimeOffset.UtcNow;
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO api_tokens (token_hash, user_name, role, created_at, updated_at, revoked) VALUES ({hash}, {name}, {role}, {now}, {now}, 0)
            """), ct);
        var user = new ApiUser(name, role, hash[..12]);
        await ChangeAsync(tokens => tokens[hash] = user, ct);
        return (token, user);
    }

    public IReadOnlyList<ApiUser> Users => (byHash ?? FrozenDictionary<string, ApiUser>.Empty).Values.OrderBy(u => u.Name).ToList();

    public async Task<bool> RevokeAsync(string tokenId, CancellationToken ct)
    {
        var tokens = await LoadAsync(ct);
        var entry = tokens.FirstOrDefault(kv => kv.Value.TokenId == tokenId);
        if (entry.Key is null) return false;
        var now = DateTimeOffset.UtcNow.AddSeconds(1); // a later version than the creation, for ReplacingMergeTree
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO api_tokens (token_hash, user_name, role, created_at, updated_at, revoked) VALUES ({entry.Key}, {entry.Value.Name}, {entry.Value.Role}, {now}, {now}, 1)
            """), ct);
        await ChangeAsync(tokens => tokens.Remove(entry.Key), ct);
        return true;
    }

    /// <summary>Applies this instance's own write to the cache, in turn with loads; before the first load, loads instead.</summary>
    async Task ChangeAsync(Action<Dictionary<string, ApiUser>> change, CancellationToken ct)
    {
        if (byHash is null)
        {
            await LoadAsync(ct);
            return;
        }
        await loading.WaitAsync(ct);
        try
        {
            var tokens = new Dictionary<string, ApiUser>(byHash, StringComparer.Ordinal);
            change(tokens);
            byHash = tokens.ToFrozenDictionary(StringComparer.Ordinal);
        }
        finally
        {
            loading.Release();
        }
    }
}

/// <summary>A row of <c>api_tokens</c>.</summary>
public sealed record TokenRow(string TokenHash, string UserName, string Role);

[JsonSerializable(typeof(TokenRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class AuthJson : JsonSerializerContext;
