using Analytics.Storage;

namespace Analytics.Tests.Storage;

/// <summary>Cluster mode's one transformation of the single-node schema and statements (docs/cluster.md), as text.</summary>
public sealed class ClusterLayoutTests
{
    static readonly ClusterLayout Layout = new("analytics", "shop", ClusterLayout.SchemaTables(SchemaMigrations.All.SelectMany(m => m.Statements)))
    {
        Shards = [["127.0.0.1:9001", "127.0.0.1:9002"], ["127.0.0.1:9003", "127.0.0.1:9004"]],
    };

    [Fact]
    public void A_sharded_table_becomes_a_replicated_local_table_per_shard_and_a_distributed_table_by_visitor()
    {
        var statements = Layout.Rewrite("CREATE TABLE IF NOT EXISTS events\n(\n    vid String,\n    ts DateTime\n)\nENGINE = MergeTree()\nPARTITION BY toYYYYMM(ts)\nORDER BY (vid, ts)");
        Assert.Equal(2, statements.Count);
        Assert.Equal("CREATE TABLE IF NOT EXISTS `shop`.`events_local` ON CLUSTER analytics (\n    vid String,\n    ts DateTime\n)\n"
                     + "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/shop/events_local', '{replica}')\nPARTITION BY toYYYYMM(ts)\nORDER BY (vid, ts)", statements[0]);
        Assert.Equal("CREATE TABLE IF NOT EXISTS `shop`.`events` ON CLUSTER analytics (\n    vid String,\n    ts DateTime\n)\n"
                     + "ENGINE = Distributed(analytics, shop, events_local, cityHash64(vid))", statements[1]);
    }

    [Fact]
    public void A_small_table_is_replicated_to_every_node_with_its_version_column()
    {
        var statement = Assert.Single(Layout.Rewrite("CREATE TABLE IF NOT EXISTS sites (site_id String, updated_at DateTime, note String DEFAULT 'a (b)')\nENGINE = ReplacingMergeTree(updated_at)\nORDER BY site_id"));
        Assert.Equal("CREATE TABLE IF NOT EXISTS `shop`.`sites` ON CLUSTER analytics (site_id String, updated_at DateTime, note String DEFAULT 'a (b)')\n"
                     + "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/shop/sites', '{replica}', updated_at)\nORDER BY site_id", statement);
    }

    [Fact]
    public void Every_migration_has_a_cluster_form_and_the_big_per_visitor_tables_are_sharded()
    {
        var rewritten = SchemaMigrations.All.SelectMany(m => m.Statements).SelectMany(Layout.Rewrite).ToList();
        Assert.All(rewritten.Where(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal)),
            s => Assert.Matches(@"ON CLUSTER analytics .*ENGINE = (Replicated\w*MergeTree\('/clickhouse/tables/(all|\{shard\})/shop/\w+', '\{replica\}'|Distributed\()", s.ReplaceLineEndings(" ")));
        foreach (var table in new[] { "events", "events_by_visitor", "purchase_events", "feedback_events", "form_events", "sessions", "consents", "survey_texts" })
            Assert.Contains(rewritten, s => s.StartsWith($"CREATE TABLE IF NOT EXISTS `shop`.`{table}` ON CLUSTER analytics", StringComparison.Ordinal) && s.Contains("Distributed("));
        foreach (var table in new[] { "sites", "identity_links", "customers", "orders", "goals", "api_tokens", "users" })
            Assert.Contains(rewritten, s => s.StartsWith($"CREATE TABLE IF NOT EXISTS `shop`.`{table}` ON CLUSTER analytics", StringComparison.Ordinal) && s.Contains("/clickhouse/tables/all/"));
    }

    [Fact]
    public void A_materialized_view_between_sharded_tables_runs_on_every_node_from_local_table_to_local_table()
    {
        var statement = Assert.Single(Layout.Rewrite("CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_visitor_mv TO events_by_visitor\nAS SELECT\n    event_id, vid, ts\nFROM events"));
        Assert.Equal("CREATE MATERIALIZED VIEW IF NOT EXISTS `shop`.`events_by_visitor_mv` ON CLUSTER analytics TO `shop`.`events_by_visitor_local`\n"
                     + "AS SELECT\n    event_id, vid, ts\nFROM `shop`.`events_local`", statement);
        // Migration 0026's own statements: the view, and the backfill through the Distributed tables (each row to its vid's shard).
        var migration = SchemaMigrations.All.Single(m => m.Name == "0026_events_by_visitor").Statements.SelectMany(Layout.Rewrite).ToList();
        Assert.Contains(migration, s => s.StartsWith("CREATE MATERIALIZED VIEW IF NOT EXISTS `shop`.`events_by_visitor_mv` ON CLUSTER analytics TO `shop`.`events_by_visitor_local`", StringComparison.Ordinal)
                                        && s.EndsWith("FROM `shop`.`events_local`", StringComparison.Ordinal));
        Assert.Contains(migration, s => s.StartsWith("INSERT INTO events_by_visitor", StringComparison.Ordinal)
                                        && s.EndsWith("FROM `shop`.`events`\nWHERE event_id GLOBAL NOT IN (SELECT event_id FROM `shop`.`events_by_visitor`)", StringComparison.Ordinal));
        Assert.Equal(["ALTER TABLE `shop`.`events_by_visitor_local` ON CLUSTER analytics DELETE WHERE vid = 'a'"], Layout.Rewrite("ALTER TABLE events_by_visitor DELETE WHERE vid = 'a'"));
        // Migration 0027's view keeps its WHERE after the local source table.
        var purchases = SchemaMigrations.All.Single(m => m.Name == "0027_purchase_events").Statements.SelectMany(Layout.Rewrite).ToList();
        Assert.Contains(purchases, s => s.StartsWith("CREATE MATERIALIZED VIEW IF NOT EXISTS `shop`.`purchase_events_mv` ON CLUSTER analytics TO `shop`.`purchase_events_local`", StringComparison.Ordinal)
                                        && s.EndsWith("FROM `shop`.`events_local` WHERE type = 'purchase'", StringComparison.Ordinal));
    }

    [Fact]
    public void Mutations_and_partition_drops_of_a_sharded_table_run_on_its_local_tables_on_every_shard()
    {
        Assert.Equal(["ALTER TABLE `shop`.`events_local` ON CLUSTER analytics DELETE WHERE vid = 'a'"], Layout.Rewrite("ALTER TABLE `events` DELETE WHERE vid = 'a'"));
        Assert.Equal(["ALTER TABLE `shop`.`sessions_local` ON CLUSTER analytics DROP PARTITION 202401"], Layout.Rewrite("ALTER TABLE sessions DROP PARTITION 202401"));
        Assert.Equal(
        [
            "ALTER TABLE `shop`.`events_local` ON CLUSTER analytics ADD COLUMN x String",
            "DROP TABLE IF EXISTS `shop`.`events` ON CLUSTER analytics",
            "CREATE TABLE IF NOT EXISTS `shop`.`events` ON CLUSTER analytics AS `shop`.`events_local`\nENGINE = Distributed(analytics, shop, events_local, cityHash64(vid))",
        ], Layout.Rewrite("ALTER TABLE events ADD COLUMN x String"));
    }

    [Fact]
    public void A_replicated_table_takes_a_mutation_or_schema_change_once_and_its_replicas_follow()
    {
        Assert.Equal(["ALTER TABLE `shop`.`sites` ADD COLUMN query_params Array(String)"], Layout.Rewrite("ALTER TABLE sites ADD COLUMN query_params Array(String)"));
        Assert.Equal(["ALTER TABLE `shop`.`identity_links` DELETE WHERE visitor_id IN (SELECT vid FROM `shop`.`events` WHERE site_id = 'from events')"],
            Layout.Rewrite("ALTER TABLE identity_links DELETE WHERE visitor_id IN (SELECT vid FROM events WHERE site_id = 'from events')"));
    }

    [Fact]
    public void Drop_truncate_and_optimize_reach_every_node()
    {
        Assert.Equal(["DROP TABLE IF EXISTS `shop`.`events` ON CLUSTER analytics", "DROP TABLE IF EXISTS `shop`.`events_local` ON CLUSTER analytics"], Layout.Rewrite("DROP TABLE IF EXISTS events"));
        Assert.Equal(["TRUNCATE TABLE `shop`.`events_local` ON CLUSTER analytics"], Layout.Rewrite("TRUNCATE TABLE events"));
        Assert.Equal(["OPTIMIZE TABLE `shop`.`sessions_local` ON CLUSTER analytics FINAL"], Layout.Rewrite("OPTIMIZE TABLE sessions FINAL"));
        Assert.Equal(["OPTIMIZE TABLE `shop`.`sites` FINAL"], Layout.Rewrite("OPTIMIZE TABLE sites FINAL"));
    }

    [Theory]
    [InlineData("SELECT count() FROM events e ANY LEFT JOIN identity_links USING vid", "SELECT count() FROM `shop`.`events` e ANY LEFT JOIN `shop`.`identity_links` USING vid")]
    [InlineData("SELECT * FROM (SELECT vid FROM `sessions`) WHERE x IN (SELECT customer_id FROM customers FINAL)", "SELECT * FROM (SELECT vid FROM `shop`.`sessions`) WHERE x IN (SELECT customer_id FROM `shop`.`customers` FINAL)")]
    [InlineData("SELECT 'FROM events' AS s, arr FROM numbers(3) ARRAY JOIN sites", "SELECT 'FROM events' AS s, arr FROM numbers(3) ARRAY JOIN sites")]
    [InlineData("SELECT n FROM system.parts, other.events", "SELECT n FROM system.parts, other.events")]
    [InlineData("SELECT x FROM unknown_table JOIN events_extra USING x", "SELECT x FROM unknown_table JOIN events_extra USING x")]
    [InlineData("select count() from events where type = 'it\\'s FROM sites'", "select count() from `shop`.`events` where type = 'it\\'s FROM sites'")]
    public void Known_tables_after_from_and_join_are_qualified_with_the_database(string sql, string expected) =>
        Assert.Equal(expected, Layout.Qualify(sql));

    [Theory]
    [InlineData("SELECT count() FROM events WHERE vid IN (SELECT visitor_id FROM identity_links)", "SELECT count() FROM events WHERE vid GLOBAL IN (SELECT visitor_id FROM identity_links)")]
    [InlineData("SELECT 1 FROM events WHERE vid NOT IN (\n  SELECT x FROM t) AND v not in ((select y FROM t))", "SELECT 1 FROM events WHERE vid GLOBAL NOT IN (\n  SELECT x FROM t) AND v GLOBAL not in ((select y FROM t))")]
    [InlineData("SELECT 1 FROM events WHERE vid IN ('a', 'b') AND site_id IN {list} AND (a, b) IN (SELECT a, b FROM t)", "SELECT 1 FROM events WHERE vid IN ('a', 'b') AND site_id IN {list} AND (a, b) GLOBAL IN (SELECT a, b FROM t)")]
    [InlineData("SELECT * FROM (SELECT vid FROM events) AS e\nANY LEFT JOIN (SELECT 1) AS l USING vid", "SELECT * FROM (SELECT vid FROM events) AS e\nGLOBAL ANY LEFT JOIN (SELECT 1) AS l USING vid")]
    [InlineData("SELECT * FROM `db`.`events` ALL INNER\n JOIN t USING x JOIN u USING y", "SELECT * FROM `db`.`events` GLOBAL ALL INNER\n JOIN t USING x GLOBAL JOIN u USING y")]
    [InlineData("SELECT * FROM events CROSS JOIN t FULL OUTER JOIN u USING y", "SELECT * FROM events GLOBAL CROSS JOIN t GLOBAL FULL OUTER JOIN u USING y")]
    [InlineData("SELECT * FROM t GLOBAL ANY LEFT JOIN u USING x WHERE y GLOBAL IN (SELECT 1) AND z GLOBAL NOT IN (SELECT 2)", "SELECT * FROM t GLOBAL ANY LEFT JOIN u USING x WHERE y GLOBAL IN (SELECT 1) AND z GLOBAL NOT IN (SELECT 2)")]
    [InlineData("SELECT left(p, 2), any(x) FROM t ARRAY JOIN a LEFT ARRAY JOIN b WHERE s = 'IN (SELECT ANY LEFT JOIN' AND `in` = 1 AND logged_in IN (1)", "SELECT left(p, 2), any(x) FROM t ARRAY JOIN a LEFT ARRAY JOIN b WHERE s = 'IN (SELECT ANY LEFT JOIN' AND `in` = 1 AND logged_in IN (1)")]
    public void Subqueries_and_joins_of_reads_become_global(string sql, string expected) =>
        Assert.Equal(expected, ClusterLayout.Globalize(sql));

    [Fact]
    public void Reads_and_insert_selects_are_qualified_and_global_but_mutations_only_qualified()
    {
        Assert.Equal("SELECT count() FROM `shop`.`events` WHERE vid GLOBAL IN (SELECT visitor_id FROM `shop`.`identity_links`)",
            Layout.ForReading("SELECT count() FROM events WHERE vid IN (SELECT visitor_id FROM identity_links)"));
        Assert.Equal(["INSERT INTO sessions SELECT * FROM `shop`.`events` GLOBAL ANY LEFT JOIN (SELECT 1 FROM `shop`.`identity_links`) USING vid"],
            Layout.Rewrite("INSERT INTO sessions SELECT * FROM events ANY LEFT JOIN (SELECT 1 FROM identity_links) USING vid"));
        Assert.Equal(["ALTER TABLE `shop`.`events_local` ON CLUSTER analytics DELETE WHERE vid IN (SELECT visitor_id FROM `shop`.`identity_links`)"],
            Layout.Rewrite("ALTER TABLE events DELETE WHERE vid IN (SELECT visitor_id FROM identity_links)"));
    }

    [Fact]
    public void A_sharded_table_is_stored_in_its_local_table_and_system_tables_are_read_from_every_node()
    {
        Assert.Equal("events_local", Layout.StoredTable("events"));
        Assert.Equal("orders", Layout.StoredTable("orders"));
        Assert.Equal("remote('127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003,127.0.0.1:9004', system, `mutations`, 'default', '')", Layout.AcrossNodes("mutations").Text);
        Assert.Equal("remote('127.0.0.1:9001|127.0.0.1:9002,127.0.0.1:9003|127.0.0.1:9004', system, `parts`, 'default', '')", Layout.AcrossNodes("parts", everyReplica: false).Text);
    }
}
