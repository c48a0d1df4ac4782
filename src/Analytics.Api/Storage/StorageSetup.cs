using Analytics.Storage.Embedded;
using Analytics.Storage.Server;
using Microsoft.Extensions.Options;

namespace Analytics.Storage;

public static class StorageSetup
{
    /// <summary>Chooses the engine once at start: a ClickHouse server when ANALYTICS_CLICKHOUSE is set, else the embedded one.</summary>
    public static void AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration("Storage")
            .Configure<IConfiguration>((o, config) =>
            {
                o.DataDir = DataDirectory.Resolve(config);
                DataDirectory.Prepare(o.DataDir); // the spool, the engine and sites.json take DataDir from here: it is private before they write
                if (config["ANALYTICS_CLICKHOUSE"] is { Length: > 0 } cs) o.ClickHouse = cs;
            })
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.Cluster) || o.UsesServer,
                "Storage:Cluster is set but the service runs the embedded engine: a ClickHouse cluster needs a ClickHouse server "
                + "(set ANALYTICS_CLICKHOUSE to one of the cluster's nodes, or remove Storage__Cluster).")
            .ValidateOnStart();
        builder.Services.AddSingleton<IClickHouse>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return o.UsesServer
                ? new ServerClickHouse(o.ClickHouse!, o.Database, o.Cluster)
                : new EmbeddedClickHouse(o.EmbeddedDataPath, o.Database, o.EmbeddedConnections, o.EmbeddedSettings);
        });
        builder.Services.AddSingleton<SchemaMigrations>();
        builder.Services.AddSingleton<SchemaReady>();
        builder.Services.AddHostedService<SchemaStartup>();
        builder.Services.AddExceptionHandler<StorageUnavailable>();
    }
}
