namespace Analytics.Tests.Infrastructure;

/// <summary>The two storage engines every storage test runs on.</summary>
public enum Engine { Embedded, Server }

/// <summary>Paths every test shares: one embedded data directory per test process (ClickHouse allows one per process).</summary>
public static class TestPaths
{
    public static readonly string EmbeddedData = Directory.CreateTempSubdirectory("analytics-embedded-").FullName;

    public static string RepositoryRoot { get; } = FindRoot();

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Analytics.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Analytics.sln not found above the test assembly.");
    }

    public static string NewDatabase() => "t_" + Guid.NewGuid().ToString("N")[..16];
}
