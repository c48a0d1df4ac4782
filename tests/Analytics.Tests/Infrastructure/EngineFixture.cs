using Analytics.Storage;
using Analytics.Storage.Embedded;
using Analytics.Storage.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Infrastructure;

/// <summary>A storage engine with the schema applied in a database of its own, without the web host.</summary>
public abstract class EngineFixture(Engine engine) : IAsyncLifetime
{
    public Engine Engine { get; } = engine;
    public IClickHouse ClickHouse { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var database = TestPaths.NewDatabase();
        if (Engine == Engine.Embedded)
            ClickHouse = new EmbeddedClickHouse(TestPaths.EmbeddedData, database, 2, new StorageOptions().EmbeddedSettings);
        else
        {
            var server = new ServerClickHouse(ClickHouseServer.Shared.ConnectionString, database);
            await server.EnsureDatabaseAsync(CancellationToken.None);
            ClickHouse = server;
        }
        await new SchemaMigrations(ClickHouse, NullLogger<SchemaMigrations>.Instance).ApplyAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await ClickHouse.DisposeAsync();
}

public sealed class EmbeddedEngine() : EngineFixture(Engine.Embedded);
public sealed class ServerEngine() : EngineFixture(Engine.Server);
