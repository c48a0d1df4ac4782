using System.Text.Json;
using Analytics.Privacy.Registry;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Privacy;

/// <summary>
/// The registry classifies every table and every String column the migrations create, on both engines: a migration
/// that adds a table or a text column fails here until the privacy workflows know what it holds.
/// </summary>
public abstract class PersonalDataRegistryTests(EngineFixture engine)
{
    [Fact]
    public async Task Every_table_and_every_string_column_of_the_schema_is_classified()
    {
        var columns = await engine.ClickHouse.QueryListAsync(Sql.Query($"""
            SELECT table, name, type FROM system.columns
            WHERE database = currentDatabase()
                AND table NOT IN (SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView')
            ORDER BY table, name
            """), StorageJson.Default.JsonElement);
        // A materialized view stores nothing: its rows are in its target table (events_by_visitor), which is classified.
        // On a cluster a sharded table's rows are in NAME_local under NAME (Distributed, the same columns): NAME is classified.
        var schema = columns.Where(c => engine.ClickHouse.Cluster is null || !c.GetProperty("table").GetString()!.EndsWith(ClusterLayout.LocalSuffix, StringComparison.Ordinal))
            .GroupBy(c => c.GetProperty("table").GetString()!)
            .ToDictionary(g => g.Key, g => g.Where(c => IsText(c.GetProperty("type").GetString()!)).Select(c => c.GetProperty("name").GetString()!).ToHashSet());

        var problems = Problems(schema);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void A_new_table_or_a_new_text_column_that_the_registry_does_not_classify_is_named()
    {
        var schema = PersonalDataRegistry.PersonalTables.ToDictionary(t => t.Table,
            t => t.SubjectColumns.Select(c => c.Column).Concat(t.OtherColumns).ToHashSet());
        foreach (var other in PersonalDataRegistry.OtherTables) schema[other.Table] = [];
        Assert.Empty(Problems(schema));

        schema["survey_answers"] = ["customer_id", "answer"];
        schema["orders"].Add("delivery_address");
        schema["goals"].Add("visitor_id");
        var problems = Problems(schema);
        Assert.Contains(problems, p => p.Contains("survey_answers") && p.Contains("not classified"));
        Assert.Contains(problems, p => p.Contains("orders.delivery_address"));
        Assert.Contains(problems, p => p.Contains("goals.visitor_id"));
    }

    static bool IsText(string type) => type.Contains("String");

    /// <summary>What the registry misses or names wrongly, given table → its String (or array/nullable of String) columns.</summary>
    static List<string> Problems(Dictionary<string, HashSet<string>> schema)
    {
        var problems = new List<string>();
        foreach (var (table, text) in schema)
        {
            if (PersonalDataRegistry.Find(table) is { } personal)
            {
                var known = personal.SubjectColumns.Select(c => c.Column).Concat(personal.OtherColumns).ToHashSet();
                problems.AddRange(text.Where(c => !known.Contains(c)).Select(c => $"{table}.{c}: a text column the registry does not classify"));
                problems.AddRange(known.Where(c => !text.Contains(c)).Select(c => $"{table}.{c}: in the registry, not in the schema"));
            }
            else if (PersonalDataRegistry.OtherTables.Any(o => o.Table == table))
            {
                // A table declared free of personal data must not grow a subject id.
                problems.AddRange(text.Where(LooksLikeSubjectId).Select(c => $"{table}.{c}: looks like a subject id in a table the registry calls free of personal data"));
            }
            else problems.Add($"{table}: a table the registry has not classified (PersonalDataRegistry)");
        }
        var tables = schema.Keys.ToHashSet();
        problems.AddRange(PersonalDataRegistry.PersonalTables.Select(t => t.Table).Concat(PersonalDataRegistry.OtherTables.Select(t => t.Table))
            .Where(t => !tables.Contains(t)).Select(t => $"{t}: in the registry, not in the schema"));
        return problems;
    }

    static bool LooksLikeSubjectId(string column) =>
        column is "vid" or "sid" || column.Contains("visitor") || column.Contains("customer") || column.Contains("email");
}

public sealed class PersonalDataRegistryTestsEmbedded(EmbeddedEngine engine) : PersonalDataRegistryTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class PersonalDataRegistryTestsServer(ServerEngine engine) : PersonalDataRegistryTests(engine), IClassFixture<ServerEngine>;
