using System.Text.Json;
using Analytics.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Storage;

/// <summary>Hostile values go into SQL and come back unchanged, and cannot change what a query selects: on both engines.</summary>
public abstract class SqlEscapingTests(EngineFixture engine)
{
    public static readonly string[] Hostile =
    [
        "plain", "it's", "\\", "\\'", "'; DROP TABLE events; --", "' OR 1=1 --", "\" OR \"\"=\"", "a\nb\rc\td",
        "nul\0byte", "\u0001\u0002\u001f\u007f", "Grüße, 日本語, emoji 🙂", "{placeholder}", "$1 %s %d", "back\\\\slashes\\n",
        "end with backslash\\", "FORMAT JSON", "/* comment */", "\u2028\u2029", "",
    ];

    [Fact]
    public async Task Every_hostile_string_round_trips_exactly()
    {
        foreach (var value in Hostile)
        {
            var json = await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT {value} AS v, length({value}) AS n"));
            var row = JsonDocument.Parse(json).RootElement;
            Assert.Equal(value, row.GetProperty("v").GetString());
        }
    }

    [Fact]
    public async Task Input_cannot_change_which_rows_a_query_selects()
    {
        var table = "escaping_" + Guid.NewGuid().ToString("N")[..8];
        await engine.ClickHouse.ExecuteAsync(Sql.Query($"CREATE TABLE {new SqlIdentifier(table)} (v String) ENGINE = MergeTree() ORDER BY v"));
        foreach (var value in Hostile)
            await engine.ClickHouse.ExecuteAsync(Sql.Query($"INSERT INTO {new SqlIdentifier(table)} (v) VALUES ({value})"));
        foreach (var value in Hostile)
        {
            var json = await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT count() AS n, any(v) AS found FROM {new SqlIdentifier(table)} WHERE v = {value}"));
            var row = JsonDocument.Parse(json).RootElement;
            Assert.Equal("1", row.GetProperty("n").ToString());
            Assert.Equal(value, row.GetProperty("found").GetString());
        }
        var all = await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query($"SELECT count() AS n FROM {new SqlIdentifier(table)}"));
        Assert.Equal(Hostile.Length.ToString(), JsonDocument.Parse(all).RootElement.GetProperty("n").ToString());
    }

    [Fact]
    public async Task Numbers_times_and_arrays_round_trip()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1764000000);
        var json = await engine.ClickHouse.QueryJsonEachRowAsync(Sql.Query(
            $"SELECT {-5} AS i, {1.25} AS d, toUnixTimestamp({at}) AS t, {new[] { "a'", "b\\" }} AS arr, {Guid.Parse("61f0c404-5cb3-11e7-907b-a6006ad3dba0")} AS u"));
        var row = JsonDocument.Parse(json).RootElement;
        Assert.Equal(-5, row.GetProperty("i").GetInt32());
        Assert.Equal(1.25, row.GetProperty("d").GetDouble());
        Assert.Equal(1764000000, row.GetProperty("t").GetInt64());
        Assert.Equal(["a'", "b\\"], row.GetProperty("arr").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("61f0c404-5cb3-11e7-907b-a6006ad3dba0", row.GetProperty("u").GetString());
    }
}

public sealed class SqlEscapingTestsEmbedded(EmbeddedEngine engine) : SqlEscapingTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class SqlEscapingTestsServer(ServerEngine engine) : SqlEscapingTests(engine), IClassFixture<ServerEngine>;
