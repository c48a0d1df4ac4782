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
    [InlineData("SELECT no_such_column FROM events", 47)]
    [InlineData("SELECT count() FROM no_such_table", 60)]
    [InlineData("SELEC 1", 62)]
    [InlineData("SELECT no_such_function(1)", 46)]
    [InlineData("SELECT toDate('x')", 38)]
    public async Task A_statement_the_engine_refuses_is_a_bug_not_an_outage(string statement, int? code)
    {
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => engine.ClickHouse.ExecuteAsync(Sql.Trusted(statement)));
        Assert.True(e.IsRefusedStatement, $"not taken for a refused statement: {e.Message}");
        if (code is not null) Assert.Equal(code, e.Code);
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
