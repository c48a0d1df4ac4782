using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Analytics.Storage;

namespace Analytics.Sites;

/// <summary>
/// The site registry: stored in ClickHouse (<c>sites</c>), held in memory for the collect hot path, and
/// mirrored to <c>$ANALYTICS_DATA_DIR/sites.json</c> so that a service whose ClickHouse server is away at
/// start still knows its sites and keeps accepting events.
/// </summary>
public sealed class SiteStore(IClickHouse clickHouse, Microsoft.Extensions.Options.IOptions<StorageOptions> storage, ILogger<SiteStore> logger)
{
    readonly ConcurrentDictionary<string, Site> byKey = new(StringComparer.Ordinal);
    string SnapshotPath => Path.Combine(storage.Value.DataDir, "sites.json");

    public Site? FindByKey(string key) => byKey.TryGetValue(key, out var site) ? site : null;

    public IReadOnlyList<Site> All => byKey.Values.OrderBy(s => s.CreatedAt).ToList();

    public void LoadSnapshot()
    {
        if (!File.Exists(SnapshotPath)) return;
        foreach (var site in JsonSerializer.Deserialize(File.ReadAllText(SnapshotPath), SitesJson.Default.ListSite) ?? [])
            byKey[site.Key] = site;
    }

    public async Task LoadAsync(CancellationToken ct)
    {
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
    }

    public async Task<Site> CreateAsync(string name, IReadOnlyList<string> domains, string timeZone, int retentionDays, IReadOnlyList<string> queryParams, string? key, CancellationToken ct, string identifySecret = "")
    {
        var site = new Site(Guid.NewGuid().ToString("N"), key ?? NewKey(), name, domains, timeZone, retentionDays,
            DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())) { QueryParams = queryParams, IdentifySecret = identifySecret };
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
        logger.LogInformation("Created site {SiteKey} ({Name})", site.Key, site.Name);
        return site;
    }

    /// <summary>Sets, rotates (a new secret) or clears ("") the identify secret; null when no site has the key.</summary>
    /// <summary>New settings of a site (its key, id, creation time and identify secret stay); null for an unknown key.</summary>
    public async Task<Site?> UpdateAsync(string key, string name, IReadOnlyList<string> domains, string timeZone, int retentionDays,
        IReadOnlyList<string> queryParams, CancellationToken ct)
    {
        if (FindByKey(key) is not { } site) return null;
        var updated = site with { Name = name, Domains = domains, TimeZone = timeZone, RetentionDays = retentionDays, QueryParams = queryParams };
        await InsertAsync(updated, DateTimeOffset.UtcNow, ct); // a new version of the row, as for the identify secret
        byKey[key] = updated;
        SaveSnapshot();
        logger.LogInformation("Site {SiteKey} updated: domains {Domains}, time zone {TimeZone}, retention {RetentionDays} days", key,
            string.Join(",", domains), timeZone, retentionDays);
        return updated;
    }

    public async Task<Site?> SetIdentifySecretAsync(string key, string identifySecret, CancellationToken ct)
    {
        if (FindByKey(key) is not { } site) return null;
        var updated = site with { IdentifySecret = identifySecret };
        // A new version of the row (ReplacingMergeTree by updated_at; of two in one second the later insert wins).
        await InsertAsync(updated, DateTimeOffset.UtcNow, ct);
        byKey[key] = updated;
        SaveSnapshot();
        logger.LogInformation("Identify signing of site {SiteKey} is {State}", key, identifySecret.Length > 0 ? "on" : "off");
        return updated;
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
