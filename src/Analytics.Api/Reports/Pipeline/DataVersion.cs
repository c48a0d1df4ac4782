using System.Text;
using System.Text.Json.Serialization;
using Analytics.Storage;

namespace Analytics.Reports.Pipeline;

/// <summary>
/// A fingerprint of the data reports read, from the engine's own part list (<c>system.parts</c>: metadata, no data
/// read, ~1 ms): per table the highest block number of its active parts and their row count. Every insert makes a
/// part with a new, higher block number (whichever process or writer inserted: collect, imports, CRM, tests);
/// an erasure (ALTER … DELETE) changes the row count. A merge changes neither, so the cache survives merges.
/// On a cluster the parts are those of the replica of each shard that reads go to (the _local tables of the sharded
/// ones) and, for the tables replicated to every node, those of the node asked (<see cref="OnCluster"/>): a replica
/// catching up changes nothing that reads see, so it does not empty the cache.
/// </summary>
public sealed class DataVersion(IClickHouse clickHouse)
{
    /// <summary>The tables reports read: events, persons (identity links), orders and customers (classes, segments), contacts and acquisition costs (value).</summary>
    static readonly string[] Tables = ["events", "identity_links", "orders", "customers", "contacts", "acquisition_costs"];

    public async ValueTask<string> CurrentAsync(CancellationToken ct)
    {
        var parts = await clickHouse.QueryListAsync(clickHouse.Cluster is { } cluster ? OnCluster(cluster) : Sql.Query($"""
            SELECT table, max(max_block_number) AS block, sum(rows) AS rows
            FROM system.parts
            WHERE database = {clickHouse.Database} AND active AND table IN {SqlInList.Of(Tables)}
            GROUP BY table
            ORDER BY table
            """), DataVersionJson.Default.TableVersion, ct);
        var sb = new StringBuilder();
        foreach (var part in parts) sb.Append(part.Table).Append(':').Append(part.Block).Append('/').Append(part.Rows).Append(';');
        return sb.ToString();
    }

    /// <summary>
    /// On a cluster: the sharded tables' parts on the replica of each shard that reads go to, and the replicated tables'
    /// parts on the node asked alone. Reads compute every subquery and join over a replicated table there (GLOBAL,
    /// <see cref="ClusterLayout.Globalize"/>), so another node's copy catching up changes no answer, and must not
    /// change the key.
    /// </summary>
    Sql OnCluster(ClusterLayout cluster)
    {
        var sharded = Tables.Where(cluster.IsSharded).Select(cluster.StoredTable).ToArray();
        var replicated = Tables.Where(t => !cluster.IsSharded(t)).ToArray();
        return Sql.Query($"""
            SELECT table, max(max_block_number) AS block, sum(rows) AS rows
            FROM
            (
                SELECT table, max_block_number, rows
                FROM {cluster.AcrossNodes("parts", everyReplica: false)}
                WHERE database = {clickHouse.Database} AND active AND table IN {SqlInList.Of(sharded)}
                UNION ALL
                SELECT table, max_block_number, rows
                FROM system.parts
                WHERE database = {clickHouse.Database} AND active AND table IN {SqlInList.Of(replicated)}
            )
            GROUP BY table
            ORDER BY table
            """);
    }
}

public sealed record TableVersion(string Table, long Block, long Rows);

[JsonSerializable(typeof(TableVersion))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class DataVersionJson : JsonSerializerContext;
