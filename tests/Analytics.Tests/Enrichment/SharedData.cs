using Xunit.Abstractions;

namespace Analytics.Tests.Enrichment;

/// <summary>
/// Reference data kept in this repository under tests/Analytics.Tests/TestData (origins and licences in its
/// README), which the build copies beside the test assembly. A missing file fails the test: nothing is skipped.
/// </summary>
internal static class SharedData
{
    /// <summary>The full path of a test data file, e.g. <c>maxmind/GeoIP2-City-Test.mmdb</c>.</summary>
    public static string Find(string relativePath)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", relativePath);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"Test data '{relativePath}' is not beside the test assembly ({path}); it belongs in " +
                "tests/Analytics.Tests/TestData, which the build copies to the output.", path);
    }

    /// <summary>The same as <see cref="Find"/>, and names the file in the test output.</summary>
    public static string Require(string relativePath, ITestOutputHelper output)
    {
        var path = Find(relativePath);
        output.WriteLine($"test data: {relativePath}");
        return path;
    }
}
