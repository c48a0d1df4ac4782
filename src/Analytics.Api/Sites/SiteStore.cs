using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Analytics.Storage;

namespace Analytics.Sites;

/// <summary>
/// The site registry: stored in ClickHouse (<c>sites</c>), held in memory for the collect hot path, and
/// mirrored to <c>$ANALYTICS_DATA_DIR/sites.json</c> so that a service whose ClickHouse server is away at
/// start still knows its sites and keeps accepting events. <see cref="SiteReload"/> reloads it when the table changed,
/// so that a site created or changed through another instance is in force here within <see cref="SitesOptions.ReloadInterval"/>.
/// </summary>
public sealed class SiteStore(IClickHouse clickHouse, Microsoft.Extensions.Options.IOptions<StorageOptions> storage, ILogger<SiteStore> logger)
{
    static readonly string[] Tables = ["sites"];
    readonly ConcurrentDictionary<string, Site> byKey = new(StringComparer.Ordinal);
    // Loads and this instance's writes run one at a time, so a load that began before a write cannot undo it.
    readonly SemaphoreSlim changing = new(1, 1);
    string? loadedVersion;
    string SnapshotPath => Path.Combine(storage.Value.DataDir, "sites.json");

    public Site? FindByKey(string key) => byKey.TryGetValue(key, out var site) ? site : null;

    public IReadOnlyList<Site> All => byKey.Values.OrderBy(s => s.CreatedAt).ToList();

    public void LoadSnapshot()
    {
        if (!File.Exists(SnapshotPath)) return;
        foreach (var site in JsonSerializer.Deserialize(File.ReadAllText(SnapshotPath), SitesJson.Default.ListSite) ?? [])
            byKey[site.Key] = site;
    }

    /// <summary>Loads the sites again when the table changed since the last load (a cheap read of its parts); true when it did.</summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        if (await TablesVersion.ReadAsync(clickHouse, Tables, ct) == Volatile.Read(ref loadedVersion)) return false;
        await LoadAsync(ct);
        return true;
    }

    public async Task LoadAsync(CancellationToken ct)
    {
        await changing.WaitAsync(ct);
        try
        {
            await LoadLockedAsync(ct);
        }
        finally
        {
            changing.Release();
        }
    }

    async Task LoadLockedAsync(CancellationToken ct)
    {
        var version = await TablesVersion.ReadAsync(clickHouse, Tables, ct); // before the rows: a write in between loads again next time
        var loaded = new Dictionary<string, Site>(StringComparer.Ordinal);
        await foreach (var row in clickHouse.QueryAsync(Sql.Query($"""
            SELECT site_id, key, name, domains, time_zone, retention_days, toUnixTimestamp(created_at) AS created, query_params, identify_secret
            FROM sites FINAL WHERE deleted = 0
            """), SitesJson.Default.SiteRow, ct))
        {
            loaded[row.key] = new Site(row.site_id, row.key, row.name, row.domains, row.time_zone, (int)row.retention_days,
                DateTimeOffset.FromUnixTimeSeconds(row.created)) { QueryParams = row.query_params, IdentifySecret = row.identify_secret };
        }
        foreach (var key in byKey.Keys.Where(k => !loaded.ContainsKey(k))) byKey.TryRemove(key, out _);
        foreach (var (key, site) in loaded) byKey[key] = site;
        SaveSnapshot();
        Volatile.Write(ref loadedVersion, version);
    }

    public async Task<Site> CreateAsync(string name, IReadOnlyList<string> domains, string timeZone, int retentionDays, IReadOnlyList<string> queryParams, string? key, CancellationToken ct, string identifySecret = "")
    {
        var site = new Site(Guid.NewGuid().ToString("N"), key ?? NewKey(), name, domains, timeZone, retentionDays,
            DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())) { QueryParams = queryParams, IdentifySecret = identifySecret };
        await changing.WaitAsync(ct);
        try
        {
            if (!byKey.TryAdd(site.Key, site)) throw new InvalidOperationException($"A site with key '{site.Key}' exists.");
            try
            {
                await InsertAsync(site, site.CreatedAt, ct);
            }
            catch
            {
                byKey.TryRemove(site.Key, out _);
                throw;
            }
            SaveSnapshot();
        }
        finally
        {
            changing.Release();
        }
        logger.LogInformation("Created site {SiteKey} ({Name})", site.Key, site.Name);
        return site;
    }

    /// <summary>New settings of a site (its key, id, creation time and identify secret stay); null for an unknown key.</summary>
    public async Task<Site?> UpdateAsync(string key, string name, IReadOnlyList<string> domains, string timeZone, int retentionDays,
        IReadOnlyList<string> queryParams, CancellationToken ct)
    {
        if (await ChangeAsync(key, site => site with { Name = name, Domains = domains, TimeZone = timeZone, RetentionDays = retentionDays, QueryParams = queryParams }, ct)
            is not { } updated) return null;
        logger.LogInformation("Site {SiteKey} updated: domains {Domains}, time zone {TimeZone}, retention {RetentionDays} days", key,
            string.Join(",", domains), timeZone, retentionDays);
        return updated;
    }

    /// <summary>Sets, rotates (a new secret) or clears ("") the identify secret; null when no site has the key.</summary>
    public async Task<Site?> SetIdentifySecretAsync(string key, string identifySecret, CancellationToken ct)
    {
        if (await ChangeAsync(key, site => site with { IdentifySecret = identifySecret }, ct) is not { } updated) return null;
        logger.LogInformation("Identify signing of site {SiteKey} is {State}", key, identifySecret.Length > 0 ? "on" : "off");
        return updated;
    }

    /// <summary>
    /// Writes a new version of a site's row (ReplacingMergeTree by updated_at; of two in one second the later insert
    /// wins) and takes it into the cache; null for an unknown key.
    /// </summary>
    async Task<Site?> ChangeAsync(string key, Func<Site, Site> change, CancellationToken ct)
    {
        await changing.WaitAsync(ct);
        try
        {
            if (FindByKey(key) is not { } site) return null;
            var updated = change(site);
            await InsertAsync(updated, DateTimeOffset.UtcNow, ct);
            byKey[key] = updated;
            SaveSnapshot();
            return updated;
        }
        finally
        {
            changing.Release();
        }
    }

    Task InsertAsync(Site site, DateTimeOffset updatedAt, CancellationToken ct) => clickHouse.ExecuteAsync(Sql.Query($"""
        INSERT INTO sites (site_id, key, name, domains, time_zone, retention_days, created_at, updated_at, deleted, query_params, identify_secret)
        VALUES ({site.Id}, {site.Key}, {site.Name}, {site.Domains}, {site.TimeZone}, {site.RetentionDays}, {site.CreatedAt}, {updatedAt}, 0, {site.QueryParams}, {site.IdentifySecret})
        """), ct);

    void SaveSnapshot()
    {
        PrivateFiles.CreateDirectory(storage.Value.DataDir);
        var temporary = SnapshotPath + ".tmp";
        PrivateFiles.WriteAllText(temporary, JsonSerializer.Serialize(All.ToList(), SitesJson.Default.ListSite));
        File.Move(temporary, SnapshotPath, overwrite: true);
    }

    /// <summary>16 random characters a–z0–9: unguessable enough for a public key, short enough for a snippet.</summary>
    static string NewKey() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 16);
}
