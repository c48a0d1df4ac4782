using Microsoft.Extensions.Configuration;
using Analytics.Storage;

namespace Analytics.Tests.Storage;

/// <summary>What the service writes in its data directory is its owner's only, whatever the umask.</summary>
public sealed class PrivateFilesTests : IDisposable
{
    const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    const UnixFileMode OwnerDirectory = OwnerFile | UnixFileMode.UserExecute;
    readonly string root = Directory.CreateTempSubdirectory("analytics-private-").FullName;

    [Fact]
    public void Files_are_created_0600_and_directories_0700()
    {
        var directory = Path.Combine(root, "spool", "dead-letter");
        PrivateFiles.CreateDirectory(directory);
        PrivateFiles.WriteAllBytes(Path.Combine(directory, "row.rowbinary"), [1, 2, 3]);
        PrivateFiles.WriteAllText(Path.Combine(directory, "row.error.txt"), "refused");
        using (PrivateFiles.Open(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite)) { }
        using (PrivateFiles.OpenHandle(Path.Combine(directory, "000000000001.seg"), FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read)) { }

        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(directory));
        Assert.All(Directory.GetFiles(directory), f => Assert.Equal(OwnerFile, File.GetUnixFileMode(f)));
        Assert.Equal("refused", File.ReadAllText(Path.Combine(directory, "row.error.txt")));
    }

    [Fact]
    public void A_file_an_older_version_or_a_crash_left_readable_by_others_is_closed_when_it_is_written()
    {
        var segment = Path.Combine(root, "000000000007.seg");
        File.WriteAllBytes(segment, [1]);
        File.SetUnixFileMode(segment, OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using (PrivateFiles.OpenHandle(segment, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read)) { }
        Assert.Equal(OwnerFile, File.GetUnixFileMode(segment));

        var leftover = Path.Combine(root, "sites.json.tmp"); // a crash between write and rename
        File.WriteAllText(leftover, "[]");
        File.SetUnixFileMode(leftover, OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        PrivateFiles.WriteAllText(leftover, "[{}]");
        Assert.Equal(OwnerFile, File.GetUnixFileMode(leftover));
    }

    [Fact]
    public void The_data_directory_is_resolved_once_to_an_absolute_path_and_made_0700()
    {
        var configured = new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Storage:DataDir"] = Path.Combine(root, "data") }).Build();
        Directory.CreateDirectory(Path.Combine(root, "data")); // mkdir -p under the usual umask: 0755
        var dataDir = DataDirectory.Resolve(configured);
        DataDirectory.Prepare(dataDir);

        Assert.Equal(Path.Combine(root, "data"), dataDir);
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(dataDir));
        var both = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDir"] = "/elsewhere",
            ["ANALYTICS_DATA_DIR"] = "relative-data",
        }).Build();
        Assert.Equal(Path.GetFullPath("relative-data"), DataDirectory.Resolve(both));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
