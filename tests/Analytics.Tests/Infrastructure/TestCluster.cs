namespace Analytics.Tests.Infrastructure;

/// <summary>
/// The server engine's ClickHouse for tests: the shared 18.16 child process, or, when <c>ANALYTICS_TEST_CLUSTER=host:port</c>
/// names a node of a running cluster (scripts/cluster.sh), that cluster in cluster mode (Storage__Cluster =
/// <c>ANALYTICS_TEST_CLUSTER_NAME</c>, default analytics). Each test class keeps a database of its own, created ON CLUSTER.
/// </summary>
public static class TestCluster
{
    static readonly string? address = Environment.GetEnvironmentVariable("ANALYTICS_TEST_CLUSTER") is { Length: > 0 } a ? a : null;

    /// <summary>The cluster's name in cluster mode, else null.</summary>
    public static string? Name { get; } = address is null ? null
        : Environment.GetEnvironmentVariable("ANALYTICS_TEST_CLUSTER_NAME") is { Length: > 0 } n ? n : "analytics";

    /// <summary>The connection string of the server engine's tests.</summary>
    public static string ConnectionString => address is null ? ClickHouseServer.Shared.ConnectionString : FromAddress(address);

    static string FromAddress(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        return $"Host={hostPort[..colon]};Port={hostPort[(colon + 1)..]};Username=default;Password=";
    }
}
