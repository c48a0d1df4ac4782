using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Storage;

/// <summary>
/// <see cref="TablesVersion"/> on both engines: the contents' version (what stored snapshots are checked against)
/// changes with an insert, a mutation and a dropped partition, and not with a merge, also not one that collapses rows;
/// the parts' version changes with the merge too.
/// </summary>
public abstract class TablesVersionTests(EngineFixture engine)
{
    [Fact]
    public async Task The_contents_version_moves_with_inserts_mutations_and_dropped_partitions_but_not_with_merges()
    {
        var name = "tv_" + Guid.NewGuid().ToString("N")[..12];
        var table = new SqlIdentifier(name);
        var ch = engine.ClickHouse;
        await ch.ExecuteAsync(Sql.Query($"CREATE TABLE {table} (p UInt8, k UInt32, v UInt32) ENGINE = ReplacingMergeTree(v) PARTITION BY p ORDER BY k"));
        try
        {
            Task<string> Contents() => TablesVersion.ContentsAsync(ch, [name], CancellationToken.None);
            Task<string> Parts() => TablesVersion.ReadAsync(ch, [name], CancellationToken.None);

            await ch.ExecuteAsync(Sql.Query($"INSERT INTO {table} VALUES (1, 1, 1), (1, 2, 1)"));
            var first = await Contents();
            Assert.Equal(first, await Contents());

            await ch.ExecuteAsync(Sql.Query($"INSERT INTO {table} VALUES (1, 1, 2)"));
            var inserted = await Contents();
            Assert.NotEqual(first, inserted);

            // The merge collapses k = 1's two rows into one: the parts changed, the contents' version did not.
            var partsBefore = await Parts();
            await ch.ExecuteAsync(Sql.Query($"OPTIMIZE TABLE {table} FINAL"));
            Assert.Equal(2L, await CountAsync(table));
            Assert.NotEqual(partsBefore, await Parts());
            Assert.Equal(inserted, await Contents());

            // A mutation (as an erasure): a new version once issued, and once more when applied.
            await ch.ExecuteAsync(Sql.Query($"INSERT INTO {table} VALUES (2, 3, 1)"));
            var beforeDelete = await Contents();
            await ch.ExecuteAsync(Sql.Query($"ALTER TABLE {table} DELETE WHERE k = 2"));
            await Eventually.UntilAsync(async () => await CountAsync(table) == 2 && await PendingMutationsAsync(name) == 0,
                TimeSpan.FromSeconds(60), "the delete applied");
            var deleted = await Contents();
            Assert.NotEqual(beforeDelete, deleted);
            Assert.Equal(deleted, await Contents());

            // Retention drops a month's partition: no insert, no mutation, yet the contents changed.
            await ch.ExecuteAsync(Sql.Query($"ALTER TABLE {table} DROP PARTITION 1"));
            Assert.Equal(1L, await CountAsync(table));
            Assert.NotEqual(deleted, await Contents());
        }
        finally
        {
            await ch.ExecuteAsync(Sql.Query($"DROP TABLE IF EXISTS {table}"));
        }
    }

    async Task<long> CountAsync(SqlIdentifier table) =>
        (await engine.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM {table}"), StorageJson.Default.CountRow))!.N;

    async Task<long> PendingMutationsAsync(string table) =>
        (await engine.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT count() AS n FROM system.mutations WHERE database = {engine.ClickHouse.Database} AND table = {table} AND is_done = 0
            """), StorageJson.Default.CountRow))!.N;
}

public sealed class TablesVersionTestsEmbedded(EmbeddedEngine engine) : TablesVersionTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class TablesVersionTestsServer(ServerEngine engine) : TablesVersionTests(engine), IClassFixture<ServerEngine>;
