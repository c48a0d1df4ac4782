using System.Text.RegularExpressions;
using Analytics.Consent;
using Analytics.Identity;
using Analytics.Ingestion;
using Analytics.Privacy.Registry;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Privacy.Requests;

/// <summary>
/// Removes an erased subject's rows from this node's dead-letter files (<c>spool*/dead-letter/*.layoutN.rowbinary</c>
/// of a row layout this build knows): rows ClickHouse refused are not replayed, but they are the subject's data on disk.
/// Files of an unknown layout and corrupt bytes cannot be read and are left (docs/privacy.md "Tombstones").
/// </summary>
public sealed partial class DeadLetterErasure(IOptions<StorageOptions> storage, ILogger<DeadLetterErasure> logger)
{
    /// <summary>The spooled tables; a new spooled table with subject columns is added here.</summary>
    static readonly SpooledTable[] Spooled = [EventColumns.Definition, ConsentColumns.Definition, IdentityLinks.Definition,
        Crm.Surveys.SurveyTexts.Definition];

    /// <summary>Rows of the subject dated at or before <paramref name="erasedAt"/> (Unix seconds) are cut out; returns how many.</summary>
    public int Erase(Subject subject, long erasedAt) => Erase(storage.Value.DataDir, subject, erasedAt);

    public int Erase(string dataDir, Subject subject, long erasedAt)
    {
        var removed = 0;
        foreach (var table in Spooled)
        {
            var directory = Path.Combine(dataDir, table.SpoolName, "dead-letter");
            if (PersonalDataRegistry.Find(table.Name) is not { } personal || !Directory.Exists(directory)) continue;
            foreach (var file in Directory.GetFiles(directory, "*.rowbinary"))
            {
                if (LayoutOf(file) is not { } layout || !table.KnowsLayout(layout)) continue;
                try
                {
                    removed += EraseFile(file, table, personal, layout, subject, erasedAt);
                }
                catch (Exception e) when (e is NotSupportedException or ArgumentOutOfRangeException or IndexOutOfRangeException)
                {
                    logger.LogWarning("Dead letter {File} could not be read as {Table} rows of layout {Layout}; left as it is: {Error}",
                        Path.GetFileName(file), table.Name, layout, e.Message);
                }
            }
        }
        return removed;
    }

    static int EraseFile(string file, SpooledTable table, PersonalTable personal, byte layout, Subject subject, long erasedAt)
    {
        var bytes = File.ReadAllBytes(file);
        var columns = table.Columns.Where(c => c.Since <= layout).ToList();
        var subjectColumns = columns.Select(c => personal.SubjectColumns.FirstOrDefault(s => s.Column == c.Name && c.Type == "String")).ToArray();
        var kept = new MemoryStream();
        var removed = 0;
        for (var start = 0; start < bytes.Length;)
        {
            var row = bytes.AsSpan(start);
            var reader = new RowBinaryReader(row);
            var ofSubject = false;
            for (var i = 0; i < columns.Count; i++)
            {
                if (subjectColumns[i] is { } column) ofSubject |= subject.Has(column.Key, reader.String());
                else reader.Skip(columns[i].Type);
            }
            var length = reader.Position;
            var key = table.ReadKey(row[..length], layout);
            if (ofSubject && key.SiteId == subject.SiteId && key.Ts <= erasedAt) removed++;
            else kept.Write(row[..length]);
            start += length;
        }
        if (removed == 0) return 0;
        if (kept.Length == 0)
        {
            File.Delete(file);
            File.Delete(Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file) + ".error.txt"));
        }
        else PrivateFiles.WriteAllBytes(file, kept.ToArray());
        return removed;
    }

    static byte? LayoutOf(string file) =>
        LayoutName().Match(Path.GetFileName(file)) is { Success: true } m && byte.TryParse(m.Groups[1].Value, out var layout) ? layout : null;

    [GeneratedRegex(@"\.layout(\d+)\.rowbinary$")]
    private static partial Regex LayoutName();
}
