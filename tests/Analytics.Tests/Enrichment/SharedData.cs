using Xunit;
using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

/// <summary>
/// Reference data that lives beside the repository on CI machines (`../shared/data/…` from the folder that
/// holds Analytics.sln) and is not part of a user's clone.
/// </summary>
internal static class SharedData
{
    /// <summary>The full path of a shared data file, or null when this machine does not have it.</summary>
    public static string? Find(string relativePath)
    {
        var root = RepositoryRoot();
        if (root is null) return null;
        var path = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", relativePath));
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// The path of a shared data file; when it is missing, says so in the test output and returns null so the
    /// test can end without asserting. With CI=true a missing file fails the test instead: CI must run it.
    /// </summary>
    public static string? Require(string relativePath, ITestOutputHelper output)
    {
        var path = Find(relativePath);
        if (path is not null) return path;

        var message = $"NOT RUN: shared test data '../shared/data/{relativePath}' is not present next to this " +
                      "clone, so this test checked nothing. It runs on CI, where the data is provided.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"CI=true but shared test data is missing: ../shared/data/{relativePath}");
        output.WriteLine(message);
        return null;
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Analytics.sln"))) return dir.FullName;
        return null;
    }
}
