using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Analytics.Storage;

namespace Analytics.Auth;

/// <summary>The signed-in caller: a user, its role and the token it came with.</summary>
public sealed record ApiUser(string Id, string Name, string Role, string TokenId);

/// <summary>A person (or a scraper) with a role; any number of tokens stand for it.</summary>
public sealed record User(string Id, string Name, string Role, DateTimeOffset CreatedAt, bool Deactivated);

/// <summary>A token as stored: only its SHA-256. Name and role are the user's when it was issued (kept for old rows).</summary>
public sealed record StoredToken(string Hash, string UserId, string UserName, string Role, DateTimeOffset CreatedAt)
{
    /// <summary>What the API calls the token: the first 12 hex digits of its hash, never the token.</summary>
    public string TokenId => Hash[..12];
}

/// <summary>
/// Users (<c>users</c>) and their API tokens (<c>api_tokens</c>): only a token's SHA-256 is stored and cached;
/// the token itself is shown once, when it is issued. The bootstrap admin token comes from
/// <c>ANALYTICS_ADMIN_TOKEN</c> and is never stored. A token from before users existed has no user id: it stands
/// for a user of its own (<see cref="LegacyUserId"/>), until a users row of that id (a second token, a
/// deactivation) takes over. The cache is one immutable snapshot, replaced whole by each load: a lookup during a
/// reload sees the old one or the new one, never a half-filled one. <see cref="TokenReload"/> reloads it
/// periodically, so that a token revoked or a user deactivated through another instance stops working here too.
/// </summary>
public sealed class TokenStore(IClickHouse clickHouse, IConfiguration config)
{
    public const string BootstrapId = "bootstrap";

    sealed record Snapshot(FrozenDictionary<string, StoredToken> TokensByHash, FrozenDictionary<string, User> UsersById);

    volatile Snapshot? current;
    // Loads run one at a time, so a load that began before a write cannot publish after the load that follows it.
    readonly SemaphoreSlim loading = new(1, 1);

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    const string LegacyPrefix = "token_";

    public static string LegacyUserId(string tokenId) => LegacyPrefix + tokenId;

    public async Task<ApiUser?> FindAsync(string token, CancellationToken ct)
    {
        if (config["ANALYTICS_ADMIN_TOKEN"] is { Length: >= 16 } admin &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(admin)))
            return new ApiUser(BootstrapId, "admin", Roles.Admin, BootstrapId);
        var snapshot = current ?? await LoadSnapshotAsync(ct);
        if (!snapshot.TokensByHash.TryGetValue(Hash(token), out var stored)) return null;
        if (!snapshot.UsersById.TryGetValue(stored.UserId, out var user) || user.Deactivated) return null;
        return new ApiUser(user.Id, user.Name, user.Role, stored.TokenId);
    }

    /// <summary>The user of this id, deactivated ones included; one not cached yet (made through another instance) is read from ClickHouse.</summary>
    public async Task<User?> FindUserAsync(string userId, CancellationToken ct) =>
        current?.UsersById.GetValueOrDefault(userId) ?? (await LoadSnapshotAsync(ct)).UsersById.GetValueOrDefault(userId);

    /// <summary>Every user with its tokens, by name, as stored now (reads ClickHouse: the writes of every instance).</summary>
    public async Task<IReadOnlyList<(User User, IReadOnlyList<StoredToken> Tokens)>> ListAsync(CancellationToken ct)
    {
        var snapshot = await LoadSnapshotAsync(ct);
        var tokensOf = snapshot.TokensByHash.Values.ToLookup(t => t.UserId);
        return snapshot.UsersById.Values.OrderBy(u => u.Name, StringComparer.Ordinal).ThenBy(u => u.Id, StringComparer.Ordinal)
            .Select(u => (u, (IReadOnlyList<StoredToken>)tokensOf[u.Id].OrderBy(t => t.CreatedAt).ToList())).ToList();
    }

    /// <summary>Reads the users and the tokens that are not revoked, and replaces the cache with them.</summary>
    public async Task LoadAsync(CancellationToken ct) => await LoadSnapshotAsync(ct);

    async Task<Snapshot> LoadSnapshotAsync(CancellationToken ct)
    {
        await loading.WaitAsync(ct);
        try
        {
            var users = new Dictionary<string, User>(StringComparer.Ordinal);
            await foreach (var row in clickHouse.QueryAsync(Sql.Query($"""
                SELECT user_id, name, role, toUnixTimestamp(created_at) AS created, deactivated FROM users FINAL
                """), AuthJson.Default.UserRow, ct))
                users[row.UserId] = new User(row.UserId, row.Name, row.Role, DateTimeOffset.FromUnixTimeSeconds(row.Created), row.Deactivated != 0);
            var tokens = new Dictionary<string, StoredToken>(StringComparer.Ordinal);
            await foreach (var row in clickHouse.QueryAsync(Sql.Query($"""
                SELECT token_hash, user_name, role, user_id, toUnixTimestamp(created_at) AS created FROM api_tokens FINAL WHERE revoked = 0
                """), AuthJson.Default.TokenRow, ct))
            {
                var created = DateTimeOffset.FromUnixTimeSeconds(row.Created);
                var token = new StoredToken(row.TokenHash, row.UserId, row.UserName, row.Role, created);
                if (row.UserId.Length == 0)
                {
                    token = token with { UserId = LegacyUserId(token.TokenId) };
                    users.TryAdd(token.UserId, new User(token.UserId, row.UserName, row.Role, created, Deactivated: false));
                }
                tokens[row.TokenHash] = token;
            }
            var snapshot = new Snapshot(tokens.ToFrozenDictionary(StringComparer.Ordinal), users.ToFrozenDictionary(StringComparer.Ordinal));
            current = snapshot;
            return snapshot;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>Creates a user and its first token; the returned token is the only copy.</summary>
    public async Task<(User User, StoredToken Stored, string Token)> CreateUserAsync(string name, string role, CancellationToken ct)
    {
        var user = new User(Guid.CreateVersion7().ToString("N"), name, role, WholeSeconds(DateTimeOffset.UtcNow), Deactivated: false);
        await WriteUserAsync(user, ct); // before its token: a load that sees the token sees the user
        var (stored, token) = await WriteTokenAsync(user, ct);
        await ChangeAsync((tokens, users) => { users[user.Id] = user; tokens[stored.Hash] = stored; }, ct);
        return (user, stored, token);
    }

    /// <summary>Creates a user without a token (one who signs in to the dashboard only).</summary>
    public async Task<User> CreateUserAsync(string name, string role, bool withToken, CancellationToken ct)
    {
        if (withToken) return (await CreateUserAsync(name, role, ct)).User;
        var user = new User(Guid.CreateVersion7().ToString("N"), name, role, WholeSeconds(DateTimeOffset.UtcNow), Deactivated: false);
        await WriteUserAsync(user, ct);
        await ChangeAsync((_, users) => users[user.Id] = user, ct);
        return user;
    }

    /// <summary>Gives an active user another role: its tokens and sessions act with it from the next request. False when there is no such user.</summary>
    public async Task<bool> ChangeRoleAsync(string userId, string role, CancellationToken ct)
    {
        var user = await FindUserAsync(userId, ct);
        if (user is null || user.Deactivated) return false;
        var changed = user with { Role = role };
        await WriteUserAsync(changed, ct);
        await ChangeAsync((_, users) => users[user.Id] = changed, ct);
        return true;
    }

    /// <summary>Issues another token for an active user; null when there is no such user.</summary>
    public async Task<(StoredToken Stored, string Token)?> IssueTokenAsync(string userId, CancellationToken ct)
    {
        var user = await FindUserAsync(userId, ct);
        if (user is null || user.Deactivated) return null;
        if (user.Id.StartsWith(LegacyPrefix, StringComparison.Ordinal)) await WriteUserAsync(user, ct); // a users row keeps it when its first token goes
        var (stored, token) = await WriteTokenAsync(user, ct);
        await ChangeAsync((tokens, _) => tokens[stored.Hash] = stored, ct);
        return (stored, token);
    }

    /// <summary>Deactivates a user: all its tokens stop working. False when there is no such user.</summary>
    public async Task<bool> DeactivateAsync(string userId, CancellationToken ct)
    {
        var user = await FindUserAsync(userId, ct);
        if (user is null) return false;
        var deactivated = user with { Deactivated = true };
        await WriteUserAsync(deactivated, ct);
        await ChangeAsync((_, users) => users[user.Id] = deactivated, ct);
        return true;
    }

    public async Task<bool> RevokeAsync(string tokenId, CancellationToken ct)
    {
        var snapshot = await LoadSnapshotAsync(ct);
        var stored = snapshot.TokensByHash.Values.FirstOrDefault(t => t.TokenId == tokenId);
        if (stored is null) return false;
        var now = DateTimeOffset.UtcNow.AddSeconds(1); // a later version than the creation, for ReplacingMergeTree
        var userId = stored.UserId == LegacyUserId(stored.TokenId) ? "" : stored.UserId;
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO api_tokens (token_hash, user_name, role, user_id, created_at, updated_at, revoked)
            VALUES ({stored.Hash}, {stored.UserName}, {stored.Role}, {userId}, {stored.CreatedAt}, {now}, 1)
            """), ct);
        await ChangeAsync((tokens, _) => tokens.Remove(stored.Hash), ct);
        return true;
    }

    Task WriteUserAsync(User user, CancellationToken ct) => clickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO users (user_id, name, role, created_at, deactivated, version)
        VALUES ({user.Id}, {user.Name}, {user.Role}, {user.CreatedAt}, {(user.Deactivated ? 1 : 0)}, {ChangeVersion.Next()})
        """), ct);

    async Task<(StoredToken Stored, string Token)> WriteTokenAsync(User user, CancellationToken ct)
    {
        var token = "at_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var stored = new StoredToken(Hash(token), user.Id, user.Name, user.Role, WholeSeconds(DateTimeOffset.UtcNow));
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO api_tokens (token_hash, user_name, role, user_id, created_at, updated_at, revoked)
            VALUES ({stored.Hash}, {stored.UserName}, {stored.Role}, {stored.UserId}, {stored.CreatedAt}, {stored.CreatedAt}, 0)
            """), ct);
        return (stored, token);
    }

    static DateTimeOffset WholeSeconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    /// <summary>Applies this instance's own write to the cache, in turn with loads; before the first load, loads instead.</summary>
    async Task ChangeAsync(Action<Dictionary<string, StoredToken>, Dictionary<string, User>> change, CancellationToken ct)
    {
        if (current is null)
        {
            await LoadSnapshotAsync(ct);
            return;
        }
        await loading.WaitAsync(ct);
        try
        {
            var tokens = new Dictionary<string, StoredToken>(current.TokensByHash, StringComparer.Ordinal);
            var users = new Dictionary<string, User>(current.UsersById, StringComparer.Ordinal);
            change(tokens, users);
            current = new Snapshot(tokens.ToFrozenDictionary(StringComparer.Ordinal), users.ToFrozenDictionary(StringComparer.Ordinal));
        }
        finally
        {
            loading.Release();
        }
    }
}
