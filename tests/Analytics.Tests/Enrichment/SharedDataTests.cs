using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Enrichment;

/// <summary>The reference data travels with the repository, with its licences, and no test depends on data beside it.</summary>
public class SharedDataTests
{
    [Theory]
    [InlineData("uap-core", new[] { "cases.json", "LICENSE", "README.md" })]
    [InlineData("maxmind", new[] { "GeoIP2-City-Test.mmdb", "GeoIP2-Country-Test.mmdb", "GeoLite2-City-Test.mmdb",
        "GeoLite2-Country-Test.mmdb", "GeoIP2-City-Test.json", "LICENSE-APACHE", "LICENSE-MIT", "README.md" })]
    public void Each_data_set_is_beside_the_tests_with_its_licence_and_origin(string folder, string[] files)
    {
        foreach (var file in files)
            Assert.True(new FileInfo(SharedData.Find($"{folder}/{file}")).Length > 0, $"{folder}/{file} is empty");
    }

    // Spelled in two parts, so that a grep of the repository for them finds only real uses.
    static readonly string[] Forbidden = [".." + "/shared", "NOT " + "RUN"];

    [Fact]
    public void No_test_reads_data_from_outside_the_repository_or_skips_without_it()
    {
        var tests = Path.Combine(TestPaths.RepositoryRoot, "tests");
        var offenders = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => File.ReadAllText(f) is var text && Forbidden.Any(text.Contains))
            .Select(f => Path.GetRelativePath(TestPaths.RepositoryRoot, f))
            .ToList();
        Assert.True(offenders.Count == 0, $"reaches {Forbidden[0]} or skips with {Forbidden[1]}: " + string.Join(", ", offenders));
    }
}
