using System.Reflection;

namespace Analytics.Storage;

/// <summary>
/// Applies the numbered files of Storage/Migrations (embedded in the assembly) once each, in order, and records
/// them in <c>schema_migrations</c>. The same files serve both engines; every statement is idempotent, so a
/// crash between applying and recording only repeats harmless work.
/// </summary>
public sealed class SchemaMigrations(IClickHouse clickHouse, ILogger<SchemaMigrations> logger)
{
    public sealed record Migration(int Version, string Name, IReadOnlyList<string> Statements);

    public static IReadOnlyList<Migration> All { get; } = Load();

    public async Task<int> ApplyAsync(CancellationToken ct)
    {
        await clickHouse.ExecuteAsync(Sql.Trusted("""
            CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime)
            ENGINE = MergeTree() ORDER BY version
            """), ct);
        var applied = new HashSet<int>();
        await foreach (var row in clickHouse.QueryAsync(Sql.Query($"SELECT version FROM schema_migrations"), StorageJson.Default.AppliedMigration, ct))
            applied.Add(row.Version);

        var count = 0;
        foreach (var migration in All)
        {
            if (applied.Contains(migration.Version)) continue;
            foreach (var statement in migration.Statements)
                await ApplyStatementAsync(statement, ct);
            await clickHouse.ExecuteAsync(Sql.Query(
                $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({migration.Version}, {migration.Name}, {DateTimeOffset.UtcNow})"), ct);
            logger.LogInformation("Applied schema migration {Version} {Name} on {Engine}", migration.Version, migration.Name, clickHouse.Engine);
            count++;
        }
        return count;
    }

    /// <summary>
    /// ClickHouse 18.16 knows no ADD COLUMN IF NOT EXISTS: a column that exists already means the statement ran before
    /// a crash kept it from being recorded, so it counts as applied.
    /// </summary>
    internal async Task ApplyStatementAsync(string statement, CancellationToken ct)
    {
        try
        {
            await clickHouse.ExecuteAsync(Sql.Trusted(statement), ct);
        }
        catch (ClickHouseException e) when (statement.Contains("ADD COLUMN", StringComparison.OrdinalIgnoreCase)
                                            && e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogInformation("Schema statement already applied on {Engine}: {Statement}", clickHouse.Engine, statement);
        }
    }

    static IReadOnlyList<Migration> Load()
    {
        var assembly = typeof(SchemaMigrations).Assembly;
        const string prefix = "Analytics.Storage.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..^4];
                var version = int.Parse(name[..name.IndexOf('_')]);
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new Migration(version, name, SplitStatements(reader.ReadToEnd()));
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <summary>Whether a statement creates a materialized view (a backup restored from frozen parts makes them again).</summary>
    internal static bool CreatesView(string statement) =>
        statement.StartsWith("CREATE MATERIALIZED VIEW", StringComparison.OrdinalIgnoreCase);

    /// <summary>Statements end with a semicolon at the end of a line; comment lines are dropped.</summary>
    internal static IReadOnlyList<string> SplitStatements(string script)
    {
        var lines = script.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal));
        return string.Join('\n', lines)
            .Split(";\n")
            .Select(s => s.Trim().TrimEnd(';').Trim())
            .Where(s => s.Length > 0)
            .ToList();
    }
}
