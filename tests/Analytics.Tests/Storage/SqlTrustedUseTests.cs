using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Storage;

/// <summary>
/// <c>Sql.Trusted</c> is for the migrations and the CLI; tests put values into SQL through <c>Sql.Query</c> like the
/// service. The one exception: the Grafana panels' SQL, text of the repository's dashboards like a migration's, run as
/// Grafana would run it once its macros are expanded (the expansion is what that test checks).
/// </summary>
public sealed class SqlTrustedUseTests
{
    static readonly string[] Allowed = [Path.Combine("tests", "Analytics.Tests", "Dashboard", "GrafanaPanelsTests.cs")];

    [Fact]
    public void No_test_builds_SQL_with_Sql_Trusted()
    {
        var tests = Path.Combine(TestPaths.RepositoryRoot, "tests");
        var offenders = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && f != ThisFile())
            .Where(f => File.ReadAllText(f).Contains("Sql.Trusted(", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(TestPaths.RepositoryRoot, f))
            .Where(f => !Allowed.Contains(f))
            .ToList();
        Assert.Empty(offenders);
    }

    static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
