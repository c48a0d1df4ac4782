using Analytics.Storage;

namespace Analytics.Ingestion;

/// <summary>
/// One column of a spooled table: its name and ClickHouse type exactly as in the migrated table, and the row
/// layout that added it. Layout N of a table is the list of its columns with <see cref="Since"/> ≤ N, in order.
/// </summary>
public record SpooledColumn(string Name, string Type, byte Since);

/// <summary>A column with the accessor that writes a row's value as RowBinary.</summary>
public sealed record SpooledColumn<TRow>(string Name, string Type, Action<RowBinaryWriter, TRow> Write, byte Since = 1)
    : SpooledColumn(Name, Type, Since);

/// <summary>
/// A table written through a spool: the one definition of its columns, from which the insert column list, the
/// RowBinary encoding, the key the writer uses against duplicates and the history of row layouts all follow.
/// A spool frame carries the layout it was written with; the writer inserts it with that layout's column list,
/// so ClickHouse fills the defaults of columns added since. A release that adds a column appends it with
/// <c>Since = current + 1</c> (and a migration that adds it); columns are never removed from the definition.
/// </summary>
public class SpooledTable
{
    readonly IReadOnlyList<string>[] layouts; // index = layout number; [0] unused
    readonly KeyPlan[] keyPlans;

    public string Name { get; }
    /// <summary>The spool's directory under the data directory: one spool per table.</summary>
    public string SpoolName { get; }
    public IReadOnlyList<SpooledColumn> Columns { get; }
    public IReadOnlyList<string> ColumnNames { get; }
    /// <summary>The layout this build writes: the highest <see cref="SpooledColumn.Since"/>.</summary>
    public byte CurrentLayout { get; }
    /// <summary>Columns of the de-duplication key: a UUID, a String site id and a DateTime.</summary>
    public string IdColumn { get; }
    public string SiteColumn { get; }
    public string TimeColumn { get; }

    public SpooledTable(string name, string spoolName, IReadOnlyList<SpooledColumn> columns, string idColumn, string siteColumn, string timeColumn)
    {
        Name = name;
        SpoolName = spoolName;
        Columns = columns;
        ColumnNames = columns.Select(c => c.Name).ToArray();
        IdColumn = idColumn;
        SiteColumn = siteColumn;
        TimeColumn = timeColumn;
        CurrentLayout = columns.Max(c => c.Since);
        layouts = new IReadOnlyList<string>[CurrentLayout + 1];
        keyPlans = new KeyPlan[CurrentLayout + 1];
        for (var layout = 1; layout <= CurrentLayout; layout++)
        {
            var inLayout = columns.Where(c => c.Since <= layout).ToList();
            layouts[layout] = inLayout.Select(c => c.Name).ToArray();
            keyPlans[layout] = KeyPlan.For(inLayout, idColumn, siteColumn, timeColumn);
        }
        if (layouts.Skip(1).Any(l => l.Count == 0) || columns.Any(c => c.Since == 0))
            throw new ArgumentException($"Table {name}: every layout from 1 to {CurrentLayout} must have columns.");
    }

    public bool KnowsLayout(byte layout) => layout >= 1 && layout <= CurrentLayout;

    /// <summary>The insert column list of rows spooled with <paramref name="layout"/>.</summary>
    public IReadOnlyList<string> ColumnsOf(byte layout) => KnowsLayout(layout)
        ? layouts[layout]
        : throw new ArgumentOutOfRangeException(nameof(layout), $"Table {Name} has no row layout {layout} (this build knows 1 to {CurrentLayout}).");

    /// <summary>Reads id, site and time back from a row's RowBinary bytes, at the positions the layout gives them.</summary>
    public SpooledRowKey ReadKey(ReadOnlySpan<byte> row, byte layout)
    {
        if (!KnowsLayout(layout)) throw new ArgumentOutOfRangeException(nameof(layout));
        return keyPlans[layout].Read(row);
    }

    /// <summary>Where the key columns sit in a layout: the types of the columns before each are skipped.</summary>
    sealed record KeyPlan(string[] Types, int Id, int Site, int Time)
    {
        public static KeyPlan For(List<SpooledColumn> columns, string id, string site, string time)
        {
            int Index(string name, string type)
            {
                var i = columns.FindIndex(c => c.Name == name);
                if (i < 0 || columns[i].Type != type)
                    throw new ArgumentException($"The key column {name} must be of type {type} in every layout.");
                return i;
            }
            return new KeyPlan(columns.Select(c => c.Type).ToArray(), Index(id, "UUID"), Index(site, "String"), Index(time, "DateTime"));
        }

        public SpooledRowKey Read(ReadOnlySpan<byte> row)
        {
            var reader = new RowBinaryReader(row);
            Guid eventId = default;
            string siteId = "";
            uint ts = 0;
            var last = Math.Max(Id, Math.Max(Site, Time));
            for (var i = 0; i <= last; i++)
            {
                if (i == Id) eventId = reader.Uuid();
                else if (i == Site) siteId = reader.String();
                else if (i == Time) ts = reader.UInt32();
                else reader.Skip(Types[i]);
            }
            return new SpooledRowKey(eventId, siteId, ts);
        }
    }
}

/// <summary>A spooled table whose rows are <typeparamref name="TRow"/> objects: it also encodes them.</summary>
public sealed class SpooledTable<TRow>(
    string name, string spoolName, IReadOnlyList<SpooledColumn<TRow>> columns, string idColumn, string siteColumn, string timeColumn)
    : SpooledTable(name, spoolName, columns, idColumn, siteColumn, timeColumn)
{
    readonly Action<RowBinaryWriter, TRow>[] writers = columns.Select(c => c.Write).ToArray();

    public new IReadOnlyList<SpooledColumn<TRow>> Columns { get; } = columns;

    /// <summary>Appends one row in the current layout (every column, in order).</summary>
    public void Write(TRow row, RowBinaryWriter writer)
    {
        foreach (var write in writers) write(writer, row);
    }

    /// <summary>Spools the rows as one frame; throws <see cref="SpoolFullException"/> when the spool is full.</summary>
    public void AppendFrame(Spool spool, IReadOnlyList<TRow> rows)
    {
        if (rows.Count == 0) return;
        using var bytes = new RowBinaryWriter(rows.Count * 128);
        var lengths = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var start = bytes.Length;
            Write(rows[i], bytes);
            lengths[i] = bytes.Length - start;
        }
        spool.Append(bytes.WrittenSpan, lengths);
    }

    /// <summary>
    /// An import's rows, in frames of at most <see cref="Import.ImportSink.ChunkRows"/>; a full spool makes the import
    /// wait for the table's writer up to <paramref name="maxWait"/> a frame, as its events do, then throws.
    /// </summary>
    public async Task AppendFramesAsync(Spool spool, IReadOnlyList<TRow> rows, TimeSpan maxWait, CancellationToken ct)
    {
        for (var offset = 0; offset < rows.Count; offset += Import.ImportSink.ChunkRows)
        {
            var frame = rows.Skip(offset).Take(Import.ImportSink.ChunkRows).ToList();
            var deadline = DateTime.UtcNow + maxWait;
            while (true)
            {
                try
                {
                    AppendFrame(spool, frame);
                    break;
                }
                catch (SpoolFullException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, ct); // the table's writer drains the spool into ClickHouse meanwhile
                }
            }
        }
    }

    /// <summary>This definition plus a column: how a later release (or a test) extends the table.</summary>
    public SpooledTable<TRow> With(SpooledColumn<TRow> column) =>
        new(Name, SpoolName, [.. Columns, column], IdColumn, SiteColumn, TimeColumn);
}

/// <summary>What the writer needs to find a spooled row in ClickHouse again: its id, site and time.</summary>
public readonly record struct SpooledRowKey(Guid EventId, string SiteId, uint Ts);
