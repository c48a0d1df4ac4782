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
            var server = new ServerClickHouse(TestCluster.ConnectionString, database, TestCluster.Name);
            await server.EnsureDatabaseAsync(CancellationToken.None);
            ClickHouse = server;
        }
        await new SchemaMigrations(ClickHouse, NullLogger<SchemaMigrations>.Instance).ApplyAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        // A cluster keeps every replicated table in ZooKeeper: each class's database goes when the class is done.
        if (ClickHouse.Cluster is { } cluster)
            await ClickHouse.ExecuteAsync(Sql.Query($"DROP DATABASE IF EXISTS {new SqlIdentifier(ClickHouse.Database)} ON CLUSTER {new SqlIdentifier(cluster.Name)}"));
        await ClickHouse.DisposeAsync();
    }
}

public sealed class EmbeddedEngine() : EngineFixture(Engine.Embedded);
public sealed class ServerEngine() : EngineFixture(Engine.Server);
