using System.ComponentModel.DataAnnotations;

namespace Analytics.Storage;

/// <summary>Where data lives. <c>ANALYTICS_DATA_DIR</c> and <c>ANALYTICS_CLICKHOUSE</c> are read as DESIGN.md names them.</summary>
public sealed class StorageOptions
{
    /// <summary>Spool, embedded ClickHouse data, salts and sites.json: the absolute path <see cref="DataDirectory.Resolve"/> gives.</summary>
    [Required] public string DataDir { get; set; } = ".data";
    /// <summary>A ClickHouse.Driver connection string (ANALYTICS_CLICKHOUSE); empty means the embedded engine.</summary>
    public string? ClickHouse { get; set; }
    /// <summary>
    /// A cluster of the ClickHouse server's remote_servers (Storage__Cluster): tables are replicated, the big per-visitor
    /// ones sharded, migrations run ON CLUSTER (docs/cluster.md). Only with a ClickHouse server; empty = one server.
    /// </summary>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,63}$")] public string? Cluster { get; set; }
    [Required, RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,63}$")] public string Database { get; set; } = "analytics";
    /// <summary>Statements the embedded engine runs at once.</summary>
    [Range(1, 64)] public int EmbeddedConnections { get; set; } = 4;
    /// <summary>
    /// Settings for the embedded engine, which shares the machine with the web service: its defaults are sized for a
    /// dedicated database server (5 GB caches, 90 % of RAM), and long-running chDB processes have been seen to grow.
    /// Caches and total memory are bounded here; a query over its limit fails, never the process. An <c>IN</c> subquery
    /// of more than 10 000 values is not used to prune the primary key: a site's linked visitors (160 k at 10 M events)
    /// as <c>vid IN (SELECT visitor_id FROM identity_links …)</c> cost 0.3–0.8 s of key analysis even where the read
    /// itself was a few granules (one visitor's events 850 → 160 ms, a day without events 300–500 → 45 ms), while a
    /// customer's few devices still prune.
    /// </summary>
    public List<string> EmbeddedSettings { get; set; } =
    [
        "--max_server_memory_usage_to_ram_ratio=0.5",
        "--mark_cache_size=268435456",
        "--primary_index_cache_size=134217728",
        "--index_mark_cache_size=67108864",
        "--max_memory_usage=4000000000",
        "--max_bytes_before_external_group_by=1000000000",
        "--max_bytes_before_external_sort=1000000000",
        "--use_index_for_in_with_subqueries_max_values=10000",
    ];

    /// <summary>Where the embedded engine keeps its data; default $ANALYTICS_DATA_DIR/clickhouse.</summary>
    public string? EmbeddedPath { get; set; }

    public bool UsesServer => !string.IsNullOrWhiteSpace(ClickHouse);
    public string EmbeddedDataPath => string.IsNullOrEmpty(EmbeddedPath) ? Path.Combine(DataDir, "clickhouse") : EmbeddedPath;
}
