using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Storage;

namespace Analytics.Auth;

public sealed record ApiUser(string Name, string Role, string TokenId);

/// <summary>
/// API tokens: only their SHA-256 is stored (<c>api_tokens</c>) and cached; the token itself is shown once,
/// when it is created. The bootstrap admin token comes from <c>ANALYTICS_ADMIN_TOKEN</c> and is never stored.
/// </summary>
public sealed class TokenStore(IClickHouse clickHouse, IConfiguration config)
{
    readonly ConcurrentDictionary<string, ApiUser> byHash = new(StringComparer.Ordinal);
    volatile bool loaded;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public async Task<ApiUser?> FindAsync(string token, CancellationToken ct)
    {
        if (config["ANALYTICS_ADMIN_TOKEN"] is { Length: >= 16 } admin &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(admin)))
            return new ApiUser("admin", Roles.Admin, "bootstrap");
        var hash = Hash(token);
        if (byHash.TryGetValue(hash, out var user)) return user;
        if (!loaded) await LoadAsync(ct);
        return byHash.GetValueOrDefault(hash);
    }

    public async Task LoadAsync(CancellationToken ct)
    {
        var json = await clickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT token_hash, user_name, role FROM api_tokens FINAL WHERE revoked = 0"), ct);
        byHash.Clear();
        foreach (var line in json.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var row = JsonDocument.Parse(line).RootElement;
            var hash = row.GetProperty("token_hash").GetString()!;
            byHash[hash] = new ApiUser(row.GetProperty("user_name").GetString()!, row.GetProperty("role").GetString()!, hash[..12]);
        }
        loaded = true;
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
        byHash[hash] = user;
        return (token, user);
    }

    public IReadOnlyList<ApiUser> Users => byHash.Values.OrderBy(u => u.Name).ToList();

    public async Task<bool> RevokeAsync(string tokenId, CancellationToken ct)
    {
        if (!loaded) await LoadAsync(ct);
        var entry = byHash.FirstOrDefault(kv => kv.Value.TokenId == tokenId);
        if (entry.Key is null) return false;
        var now = DateTimeOffset.UtcNow.AddSeconds(1); // a later version than the creation, for ReplacingMergeTree
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO api_tokens (token_hash, user_name, role, created_at, updated_at, revoked) VALUES ({entry.Key}, {entry.Value.Name}, {entry.Value.Role}, {now}, {now}, 1)
            """), ct);
        byHash.TryRemove(entry.Key, out _);
        return true;
    }
}
