using Microsoft.Win32.SafeHandles;

namespace Analytics.Storage;

/// <summary>
/// Files and directories that only the service's user may read: the data directory holds URLs, visitor ids and
/// salts. Files are created 0600, directories 0700, whatever the umask. (Windows: the ACLs of the parent apply.)
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute;

    public static DirectoryInfo CreateDirectory(string path) =>
        OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, DirectoryMode);

    /// <summary>Like <see cref="File.OpenHandle"/>; a file it creates is the owner's only.</summary>
    public static SafeFileHandle OpenHandle(string path, System.IO.FileMode mode, FileAccess access, FileShare share)
    {
        var handle = File.OpenHandle(path, mode, access, share);
        // File.OpenHandle takes no creation mode; the data directory (0700) covers the instant before this.
        if (!OperatingSystem.IsWindows() && access.HasFlag(FileAccess.Write) && File.GetUnixFileMode(handle) != FileMode)
            File.SetUnixFileMode(handle, FileMode);
        return handle;
    }

    /// <summary>Like <c>new FileStream(path, mode, access, share)</c>; a file it creates or writes is the owner's only.</summary>
    public static FileStream Open(string path, System.IO.FileMode mode, FileAccess access, FileShare share = FileShare.None)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (OperatingSystem.IsWindows()) return new FileStream(path, options);
        if (mode != System.IO.FileMode.Open && mode != System.IO.FileMode.Truncate) options.UnixCreateMode = FileMode;
        var stream = new FileStream(path, options);
        // A file left by an older version or a crash (a .tmp) keeps its mode on open: close it too.
        if (access.HasFlag(FileAccess.Write) && File.GetUnixFileMode(stream.SafeFileHandle) != FileMode)
            File.SetUnixFileMode(stream.SafeFileHandle, FileMode);
        return stream;
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = Open(path, System.IO.FileMode.Create, FileAccess.Write);
        stream.Write(bytes);
    }

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
