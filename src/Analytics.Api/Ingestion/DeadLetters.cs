using Analytics.Storage;

namespace Analytics.Ingestion;

/// <summary>
/// The spool's <c>dead-letter</c> directory: bytes set aside rather than blocking the queue or being lost, each as
/// a data file and a <c>.error.txt</c> beside it that says why. Rows ClickHouse refused (<c>.rowbinary</c>),
/// frames of an unknown layout (<c>.layoutN.rowbinary</c>) and corrupt spool bytes (<c>.corrupt</c>).
/// </summary>
public sealed class DeadLetters(string spoolDirectory)
{
    public string Directory { get; } = Path.Combine(spoolDirectory, "dead-letter");

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="name"/>; the same name again overwrites (recovery runs twice).</summary>
    public string Keep(string name, ReadOnlySpan<byte> bytes, string error)
    {
        PrivateFiles.CreateDirectory(Directory);
        PrivateFiles.WriteAllBytes(Path.Combine(Directory, name), bytes.ToArray());
        PrivateFiles.WriteAllText(Path.Combine(Directory, Path.GetFileNameWithoutExtension(name) + ".error.txt"), error);
        return name;
    }

    public static string NewName(string extension) => $"{DateTimeOffset.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}{extension}";
}
