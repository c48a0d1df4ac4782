namespace Analytics.Storage;

/// <summary>Settings every statement runs with in cluster mode (docs/cluster.md "Settings"), names as ClickHouse 18.16 has them.</summary>
internal static class ClusterSettings
{
    public static readonly IReadOnlyList<(string Name, string Value)> All =
    [
        // An insert into a Distributed table returns once every shard has stored its rows, not when they are queued on
        // the node that took it: an acknowledged event is on its shard.
        ("insert_distributed_sync", "1"),
        // Reads and writes pick the same replica of each shard (the first live one, after a local one), so a report reads
        // the replica an insert just wrote to; another replica is chosen only when that one is down.
        ("load_balancing", "in_order"),
        ("prefer_localhost_replica", "1"),
        // An IN or JOIN subquery over a Distributed table inside a distributed query runs once, on the node asked, and
        // its result goes to every shard (GLOBAL): exact whichever shard a person's rows are on.
        ("distributed_product_mode", "global"),
        // DROP PARTITION on a replicated table returns once every replica has dropped it.
        ("replication_alter_partitions_sync", "2"),
    ];
}
