using System.Text.Json;
using Analytics.Consent;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Ingestion;

/// <summary>The one column definition of each spooled table is what the migrations create: names, order and types, on both engines.</summary>
public abstract class SpooledTableSchemaTests(EngineFixture engine)
{
    static readonly SpooledTable[] Definitions = [EventColumns.Definition, ConsentColumns.Definition, IdentityLinks.Definition,
        Analytics.Crm.Surveys.SurveyTexts.Definition];

    public static TheoryData<string> Tables => [.. Definitions.Select(d => d.Name)];

    static SpooledTable Definition(string table) => Definitions.Single(d => d.Name == table);

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task The_definition_matches_the_migrated_table_column_by_column(string table)
    {
        var json = await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query(
            $"SELECT name, type FROM system.columns WHERE database = {engine.ClickHouse.Database} AND table = {table}"));
        var migrated = json.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => $"{r.GetProperty("name").GetString()} {r.GetProperty("type").GetString()}")
            .ToList();
        var defined = Definition(table).Columns.Select(c => $"{c.Name} {c.Type}").ToList();
        Assert.Equal(migrated, defined);
    }

    /// <summary>The copies of the events (migrations 0026, 0027, 0031, 0032) take every column of events, in order, or their views break an insert.</summary>
    [Theory]
    [InlineData(EventColumns.ByVisitorTableName)]
    [InlineData(EventColumns.PurchasesTableName)]
    [InlineData(EventColumns.FeedbackTableName)]
    [InlineData(EventColumns.FormsTableName)]
    public async Task A_copy_of_the_events_has_the_events_columns_in_their_order(string copy)
    {
        async Task<List<string>> ColumnsAsync(string table) =>
            (await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query(
                $"SELECT name, type FROM system.columns WHERE database = {engine.ClickHouse.Database} AND table = {table}")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var events = await ColumnsAsync(EventColumns.TableName);
        Assert.NotEmpty(events);
        Assert.Equal(events, await ColumnsAsync(copy));
    }

    [Fact]
    public void The_spooled_row_key_is_read_at_the_positions_the_definition_gives()
    {
        var row = new ConsentRow { ConsentId = Guid.CreateVersion7(), SiteId = "site-ü", ReceivedAt = DateTimeOffset.FromUnixTimeSeconds(1764000042), Vid = "v" };
        using var writer = new RowBinaryWriter();
        ConsentColumns.Definition.Write(row, writer);
        Assert.Equal(new SpooledRowKey(row.ConsentId, "site-ü", 1764000042u), ConsentColumns.Definition.ReadKey(writer.WrittenSpan, 1));
    }
}

public sealed class SpooledTableSchemaTestsEmbedded(EmbeddedEngine engine) : SpooledTableSchemaTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class SpooledTableSchemaTestsServer(ServerEngine engine) : SpooledTableSchemaTests(engine), IClassFixture<ServerEngine>;
