namespace Analytics.Storage.Backup;

/// <summary>
/// The files of the data directory that the database does not hold: the spool and its dead letters, the daily salts,
/// sites.json, the cookie keys, the audit key, the admin token of run.sh. Copied file by file, owner-only, as they are.
/// </summary>
public static class DataDirectoryCopy
{
    /// <summary>A spool's lock file (Spool.cs): one service per spool.</summary>
    const string SpoolLock = "lock";

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/>, leaving out the paths in <paramref name="skip"/>; returns the files copied.</summary>
    public static int CopyTree(string source, string target, IReadOnlyCollection<string>? skip = null)
    {
        PrivateFiles.CreateDirectory(target);
        var count = 0;
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            if (skip is not null && skip.Contains(Path.TrimEndingDirectorySeparator(entry.FullName))) continue;
            if (entry.LinkTarget is not null) continue; // a link points outside what this directory owns
            if (entry is FileInfo { Name: SpoolLock }) continue; // held by a running service; it carries no data
            var to = Path.Combine(target, entry.Name);
            if (entry is DirectoryInfo directory) count += CopyTree(directory.FullName, to, skip);
            else
            {
                try
                {
                    using var input = new FileStream(entry.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var output = PrivateFiles.Open(to, FileMode.Create, FileAccess.Write);
                    input.CopyTo(output);
                    count++;
                }
                catch (FileNotFoundException)
                {
                    // A spool segment written and removed while the copy ran: its rows are in the database now.
                }
            }
        }
        return count;
    }
}
