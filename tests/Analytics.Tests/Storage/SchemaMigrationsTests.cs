using Analytics.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Storage;

/// <summary>Migrations apply once each, in order, are recorded, and a second start applies nothing: on both engines.</summary>
public abstract class SchemaMigrationsTests(EngineFixture engine)
{
    [Fact]
    public async Task Every_migration_is_recorded_once_and_a_second_run_applies_nothing()
    {
        var again = await new SchemaMigrations(engine.ClickHouse, NullLogger<SchemaMigrations>.Instance).ApplyAsync(CancellationToken.None);
        Assert.Equal(0, again);
        var rows = await engine.ClickHouse.QueryListAsync(
            Sql.Query($"SELECT version, count() AS n FROM schema_migrations GROUP BY version ORDER BY version"), StorageJson.Default.JsonElement);
        Assert.Equal(SchemaMigrations.All.Select(m => m.Version), rows.Select(r => r.GetProperty("version").GetInt32()));
        Assert.All(rows, r => Assert.Equal(1, r.GetProperty("n").GetInt64()));
        foreach (var table in new[] { "events", "sites", "api_tokens", "consents" })
            await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT count() AS n FROM {new SqlIdentifier(table)}"), StorageJson.Default.CountRow);
    }

    [Fact]
    public async Task An_added_column_that_exists_already_counts_as_applied_after_a_crash_before_recording()
    {
        var migrations = new SchemaMigrations(engine.ClickHouse, NullLogger<SchemaMigrations>.Instance);
        await migrations.ApplyStatementAsync("ALTER TABLE sites ADD COLUMN query_params Array(String)", CancellationToken.None);
        await Assert.ThrowsAsync<ClickHouseException>(() => migrations.ApplyStatementAsync("ALTER TABLE no_such_table ADD COLUMN x String", CancellationToken.None));
    }

    [Fact]
    public void Statements_split_on_semicolons_at_line_ends_and_comments_are_dropped()
    {
        var statements = SchemaMigrations.SplitStatements("-- a comment; not a statement\nCREATE TABLE a (x String DEFAULT ';');\nCREATE TABLE b (y UInt8)\n");
        Assert.Equal(["CREATE TABLE a (x String DEFAULT ';')", "CREATE TABLE b (y UInt8)"], statements);
    }
}

public sealed class SchemaMigrationsTestsEmbedded(EmbeddedEngine engine) : SchemaMigrationsTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class SchemaMigrationsTestsServer(ServerEngine engine) : SchemaMigrationsTests(engine), IClassFixture<ServerEngine>;
