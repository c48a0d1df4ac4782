using Analytics.Storage;
using Analytics.Storage.Server;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Storage;

/// <summary>
/// A statement ClickHouse refuses as such is a bug of the service (500), an engine that cannot be reached is an outage
/// (503 with Retry-After): both engines' real errors are told apart by their code.
/// </summary>
public abstract class StorageFailureKindsTests(EngineFixture engine)
{
    [Theory]
    [InlineData("unknown column", 47)]
    [InlineData("unknown table", 60)]
    [InlineData("syntax", 62)]
    [InlineData("unknown function", 46)]
    [InlineData("unparsable date", 38)]
    public async Task A_statement_the_engine_refuses_is_a_bug_not_an_outage(string fault, int code)
    {
        var statement = fault switch
        {
            "unknown column" => Sql.Query($"SELECT no_such_column FROM events"),
            "unknown table" => Sql.Query($"SELECT count() FROM no_such_table"),
            "syntax" => Sql.Query($"SELEC 1"),
            "unknown function" => Sql.Query($"SELECT no_such_function(1)"),
            _ => Sql.Query($"SELECT toDate({"x"})"),
        };
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => engine.ClickHouse.ExecuteAsync(statement));
        Assert.True(e.IsRefusedStatement, $"not taken for a refused statement: {e.Message}");
        Assert.Equal(code, e.Code);
        Assert.False(StorageUnavailable.Matches(e));
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_an_outage()
    {
        await using var away = new ServerClickHouse($"Host=127.0.0.1;Port={ClickHouseServer.FreePort()};Protocol=http;JsonReadMode=None;JsonWriteMode=None", "analytics");
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => away.ExecuteAsync(Sql.Query($"SELECT 1")));
        Assert.False(e.IsRefusedStatement);
        Assert.True(StorageUnavailable.Matches(e));
    }
}

public sealed class StorageFailureKindsTestsEmbedded(EmbeddedEngine engine) : StorageFailureKindsTests(engine), IClassFixture<EmbeddedEngine>;
public sealed class StorageFailureKindsTestsServer(ServerEngine engine) : StorageFailureKindsTests(engine), IClassFixture<ServerEngine>;
