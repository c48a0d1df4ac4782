using System.Collections.Frozen;
using System.Text.Json.Serialization;
using Analytics.Auth;
using Analytics.Storage;

namespace Analytics.Sites;

/// <summary>
/// Which users are members of which sites (<c>site_members</c>): the sites a non-admin may see. Cached like the
/// tokens: one immutable map, replaced whole by each load, reloaded by <see cref="TokenReload"/> on the token
/// interval (a change made through another instance is seen here after that long) and updated at once for a
/// change made through this instance.
/// </summary>
public sealed class SiteMembers(IClickHouse clickHouse)
{
    /// <summary>user id → the ids of its sites.</summary>
    volatile FrozenDictionary<string, FrozenSet<string>>? sitesByUser;
    // Loads and own changes run one at a time, so a load that began before a write cannot publish after it.
    readonly SemaphoreSlim loading = new(1, 1);

    public async ValueTask<bool> IsMemberAsync(string userId, string siteId, CancellationToken ct) =>
        (await CurrentAsync(ct)).TryGetValue(userId, out var sites) && sites.Contains(siteId);

    public async ValueTask<IReadOnlySet<string>> SitesOfAsync(string userId, CancellationToken ct) =>
        (await CurrentAsync(ct)).GetValueOrDefault(userId) ?? FrozenSet<string>.Empty;

    /// <summary>The user ids of a site's members, as stored now (reads ClickHouse: the changes of every instance).</summary>
    public async Task<IReadOnlyList<string>> MembersOfAsync(string siteId, CancellationToken ct) =>
        (await LoadAsync(ct)).Where(kv => kv.Value.Contains(siteId)).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();

    ValueTask<FrozenDictionary<string, FrozenSet<string>>> CurrentAsync(CancellationToken ct) =>
        sitesByUser is { } loaded ? ValueTask.FromResult(loaded) : new ValueTask<FrozenDictionary<string, FrozenSet<string>>>(LoadAsync(ct));

    public async Task<FrozenDictionary<string, FrozenSet<string>>> LoadAsync(CancellationToken ct)
    {
        await loading.WaitAsync(ct);
        try
        {
            var rows = await clickHouse.QueryListAsync(Sql.Query($"""
                SELECT site_id, user_id FROM site_members FINAL WHERE removed = 0
                """), SiteMembersJson.Default.SiteMemberRow, ct);
            var loaded = rows.GroupBy(r => r.UserId, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => g.Select(r => r.SiteId).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
            sitesByUser = loaded;
            return loaded;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>Makes the user a member of the site; false when it was one already (nothing is written).</summary>
    public async Task<bool> AddAsync(string siteId, string userId, CancellationToken ct)
    {
        if (await IsMemberAsync(userId, siteId, ct)) return false;
        await WriteAsync(siteId, userId, removed: false, ct);
        return true;
    }

    /// <summary>Ends the user's membership of the site; false when it was none.</summary>
    public async Task<bool> RemoveAsync(string siteId, string userId, CancellationToken ct)
    {
        if (!await IsMemberAsync(userId, siteId, ct)) return false;
        await WriteAsync(siteId, userId, removed: true, ct);
        return true;
    }

    async Task WriteAsync(string siteId, string userId, bool removed, CancellationToken ct)
    {
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO site_members (site_id, user_id, changed_at, removed, version)
            VALUES ({siteId}, {userId}, {DateTimeOffset.UtcNow}, {(removed ? 1 : 0)}, {ChangeVersion.Next()})
            """), ct);
        await loading.WaitAsync(ct);
        try
        {
            var changed = new Dictionary<string, FrozenSet<string>>(sitesByUser!, StringComparer.Ordinal);
            var sites = new HashSet<string>(changed.GetValueOrDefault(userId) ?? FrozenSet<string>.Empty, StringComparer.Ordinal);
            if (removed) sites.Remove(siteId);
            else sites.Add(siteId);
            changed[userId] = sites.ToFrozenSet(StringComparer.Ordinal);
            sitesByUser = changed.ToFrozenDictionary(StringComparer.Ordinal);
        }
        finally
        {
            loading.Release();
        }
    }
}

/// <summary>A row of <c>site_members</c>.</summary>
public sealed record SiteMemberRow(string SiteId, string UserId);

[JsonSerializable(typeof(SiteMemberRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class SiteMembersJson : JsonSerializerContext;
