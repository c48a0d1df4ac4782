using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Storage;

/// <summary>Typed reads (<see cref="ClickHouseReads"/>) give the same rows on both engines, 64-bit integers included.</summary>
public abstract class TypedReadsTests(EngineFixture engine)
{
    [Fact]
    public async Task Integers_above_2_to_the_53_and_counts_come_back_as_exact_numbers()
    {
        var sql = Sql.Query($"""
            SELECT toUInt64(18446744073709551615) AS largest_unsigned, toInt64(-9007199254740993) AS below_double_precision,
                   toUInt64(9007199254740993) AS above_double_precision, count() AS n
            FROM numbers(3)
            """);
        var row = Assert.Single(await engine.ClickHouse.QueryListAsync(sql, TypedReadsJson.Default.WideRow));
        Assert.Equal(ulong.MaxValue, row.LargestUnsigned);
        Assert.Equal(-9007199254740993L, row.BelowDoublePrecision);
        Assert.Equal(9007199254740993UL, row.AboveDoublePrecision);
        Assert.Equal(3UL, row.N);

        // Numbers in the JSON itself, not strings a lenient reader would accept: clients of the API get them so too.
        var raw = await engine.ClickHouse.QueryFirstOrDefaultAsync(sql, StorageJson.Default.JsonElement);
        foreach (var column in new[] { "largest_unsigned", "below_double_precision", "above_double_precision", "n" })
            Assert.Equal(JsonValueKind.Number, raw.GetProperty(column).ValueKind);
    }

    [Fact]
    public async Task Strings_with_escapes_round_trip()
    {
        foreach (var value in SqlEscapingTests.Hostile)
        {
            var row = await engine.ClickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT {value} AS text_value"), TypedReadsJson.Default.TextRow);
            Assert.Equal(value, row?.TextValue);
        }
    }

    [Fact]
    public async Task Arrays_of_strings_and_of_64_bit_integers_are_read()
    {
        var words = new[] { "a'", "b\\", "c\"d", "" };
        var row = await engine.ClickHouse.QueryFirstOrDefaultAsync(
            Sql.Query($"SELECT {words} AS words, [toUInt64(18446744073709551615), toUInt64(1)] AS counts"), TypedReadsJson.Default.ArrayRow);
        Assert.NotNull(row);
        Assert.Equal(words, row.Words);
        Assert.Equal([ulong.MaxValue, 1UL], row.Counts);
    }

    [Fact]
    public async Task An_empty_result_is_no_rows()
    {
        var sql = Sql.Query($"SELECT number AS n FROM numbers(10) WHERE number > 100");
        Assert.Empty(await engine.ClickHouse.QueryListAsync(sql, StorageJson.Default.CountRow));
        Assert.Null(await engine.ClickHouse.QueryFirstOrDefaultAsync(sql, StorageJson.Default.CountRow));
    }

    [Fact]
    public async Task Many_rows_stream_through_one_at_a_time()
    {
        long rows = 0, sum = 0;
        await foreach (var row in engine.ClickHouse.QueryAsync(Sql.Query($"SELECT number AS n FROM numbers(200000)"), StorageJson.Default.CountRow))
        {
            rows++;
            sum += row.N;
        }
        Assert.Equal(200000, rows);
        Assert.Equal(200000L * 199999 / 2, sum);
    }

    [Fact]
    public async Task A_statement_the_engine_refuses_is_a_ClickHouseException()
    {
        await Assert.ThrowsAsync<ClickHouseException>(async () =>
            await engine.ClickHouse.QueryListAsync(Sql.Query($"SELECT no_such_column FROM numbers(1)"), StorageJson.Default.CountRow));
    }
}

public sealed record WideRow(ulong LargestUnsigned, long BelowDoublePrecision, ulong AboveDoublePrecision, ulong N);
public sealed record TextRow(string TextValue);
public sealed record ArrayRow(string[] Words, ulong[] Counts);

[JsonSerializable(typeof(WideRow))]
[JsonSerializable(typeof(TextRow))]
[JsonSerializable(typeof(ArrayRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class TypedReadsJson : JsonSerializerContext;

public sealed class TypedReadsTestsEmbedded(EmbeddedEngine engine) : TypedReadsTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class TypedReadsTestsServer(ServerEngine engine) : TypedReadsTests(engine), IClassFixture<ServerEngine>;
