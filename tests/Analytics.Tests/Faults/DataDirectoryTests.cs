using System.Net;
using System.Text;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Faults;

/// <summary>
/// The data directory is one setting (ANALYTICS_DATA_DIR or Storage:DataDir): the spool, the salts, sites.json and
/// the embedded engine all live under it, nothing in the working directory. It is the owner's only: the
/// directory 0700, the files 0600 (they hold URLs and visitor ids).
/// </summary>
public sealed class DataDirectoryTests
{
    const string Domain = "datadir.example";
    const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;

    [Theory]
    [InlineData(Engine.Embedded)]
    [InlineData(Engine.Server)]
    public async Task With_Storage__DataDir_set_the_spool_salts_and_sites_json_all_land_under_it(Engine engine)
    {
        var dataDir = Directory.CreateTempSubdirectory("analytics-datadir-").FullName;
        var workingDirectory = Directory.CreateTempSubdirectory("analytics-cwd-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["ANALYTICS_DATA_DIR"] = "", // only the configuration key names the directory
            ["Storage__DataDir"] = dataDir,
            ["Storage__Database"] = TestPaths.NewDatabase(),
        };
        await using (var service = new ServiceProcess(dataDir, engine == Engine.Server ? ClickHouseServer.Shared.ConnectionString : null, settings)
                     { WorkingDirectory = workingDirectory })
        {
            await service.StartAsync();
            await WriteSomeEventsAsync(service);

            Assert.True(File.Exists(Path.Combine(dataDir, "sites.json")), "sites.json is not in the data directory");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dataDir, "salts"), "*.salt"));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dataDir, "spool"), "*.seg"));
            if (engine == Engine.Embedded) Assert.True(Directory.Exists(Path.Combine(dataDir, "clickhouse")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(workingDirectory));
        }
        Directory.Delete(dataDir, recursive: true);
        Directory.Delete(workingDirectory, recursive: true);
    }

    [Fact]
    public async Task The_data_directory_is_0700_and_every_file_the_service_writes_in_it_0600()
    {
        var dataDir = Path.Combine(Directory.CreateTempSubdirectory("analytics-modes-").FullName, "data");
        Directory.CreateDirectory(dataDir); // as run.sh's mkdir -p makes it, 0755 under the usual umask
        await using (var service = new ServiceProcess(dataDir, ClickHouseServer.Shared.ConnectionString,
                         new Dictionary<string, string> { ["Storage__Database"] = TestPaths.NewDatabase() }))
        {
            await service.StartAsync();
            await WriteSomeEventsAsync(service);

            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dataDir));
            var files = Directory.GetFiles(dataDir, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f) != "service.log") // the test's own capture of the output
                .ToList();
            Assert.Contains(files, f => f.EndsWith(".seg", StringComparison.Ordinal));
            Assert.Contains(files, f => Path.GetFileName(f) == "checkpoint");
            Assert.Contains(files, f => f.EndsWith(".salt", StringComparison.Ordinal));
            Assert.Contains(files, f => Path.GetFileName(f) == "sites.json");
            Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFile,
                $"{Path.GetRelativePath(dataDir, f)} is {File.GetUnixFileMode(f)}, not owner read/write only"));
        }
        Directory.Delete(Path.GetDirectoryName(dataDir)!, recursive: true);
    }

    /// <summary>A site (sites.json), events with a cookieless visitor (a salt) through the spool into ClickHouse (a checkpoint).</summary>
    static async Task WriteSomeEventsAsync(ServiceProcess service)
    {
        var site = await service.CreateSiteAsync(Domain);
        var response = await service.Http.PostAsync("/api/collect", new StringContent(
            $$"""{"site":"{{site}}","events":[{"type":"pageview","url":"https://{{Domain}}/a"},{"type":"pageview","url":"https://{{Domain}}/b"}]}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await service.WaitForEmptySpoolAsync(TimeSpan.FromSeconds(30));
    }
}
