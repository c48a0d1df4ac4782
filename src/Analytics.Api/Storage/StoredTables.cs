namespace Analytics.Storage;

/// <summary>Where a table's rows and metadata are, on one server and on a cluster (docs/cluster.md).</summary>
public static class StoredTables
{
    /// <summary>The table holding a table's rows on a node: <c>events_local</c> for a sharded table in cluster mode, else the table.</summary>
    public static string StoredTable(this IClickHouse clickHouse, string table) => clickHouse.Cluster?.StoredTable(table) ?? table;

    /// <summary>
    /// <c>system.NAME</c> of this server, or of the cluster's nodes: every replica (mutations: each applies its own), or
    /// one replica per shard, the one reads go to (parts: what reads see).
    /// </summary>
    public static Sql SystemTable(this IClickHouse clickHouse, string name, bool everyReplica = true) =>
        clickHouse.Cluster?.AcrossNodes(name, everyReplica) ?? Sql.Trusted("system." + new SqlIdentifier(name).Name);
}
