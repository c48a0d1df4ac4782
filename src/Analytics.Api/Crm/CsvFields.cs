using System.Text.Json;

namespace Analytics.Crm;

/// <summary>
/// The columns of a CSV import, from its header: a column's index by name, and the <c>NAME.KEY</c> columns of a
/// map field (<c>attributes.tier</c> → the attribute <c>tier</c>).
/// </summary>
public sealed class CsvHeader
{
    readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<(string Key, int Index)>> mapColumns = new(StringComparer.Ordinal);

    public CsvHeader(IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i].Trim();
            index.TryAdd(name, i);
            var dot = name.IndexOf('.');
            if (dot > 0 && dot < name.Length - 1)
            {
                var field = name[..dot];
                if (!mapColumns.TryGetValue(field, out var keys)) mapColumns[field] = keys = [];
                keys.Add((name[(dot + 1)..], i));
            }
        }
    }

    public int IndexOf(string field) => index.GetValueOrDefault(field, -1);

    public IReadOnlyList<(string Key, int Index)> MapColumns(string field) => mapColumns.TryGetValue(field, out var keys) ? keys : [];
}

/// <summary>
/// The fields of one CSV record. An empty cell is an absent value. Lists are <c>;</c>-separated in one cell;
/// maps are <c>NAME.KEY</c> columns and/or a JSON object in the <c>NAME</c> cell; order items are a JSON array in
/// the <c>items</c> cell (README, "CRM import").
/// </summary>
public sealed class CsvFields(CsvHeader header, string[] cells) : CrmFields
{
    string? Cell(string field)
    {
        var i = header.IndexOf(field);
        return i >= 0 && i < cells.Length && cells[i].Length > 0 ? cells[i] : null;
    }

    public override string? String(string field) => Cell(field);

    public override double? Number(string field) => Cell(field) is { } text ? ParseNumber(field, text.Trim()) : null;

    public override bool? Bool(string field) => Cell(field) is { } text ? ParseBool(field, text) : null;

    public override DateTimeOffset? Time(string field) => Cell(field) is { } text ? ParseTime(field, text.Trim()) : null;

    public override IReadOnlyList<string> StringList(string field) =>
        Cell(field) is { } text ? text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];

    public override IReadOnlyList<KeyValuePair<string, string>> StringMap(string field)
    {
        var map = new List<KeyValuePair<string, string>>();
        if (Cell(field) is { } json && ParseJson(field, json) is { } element) map.AddRange(ParseMap(field, element));
        foreach (var (key, i) in header.MapColumns(field))
            if (i < cells.Length && cells[i].Length > 0) map.Add(new(key, cells[i]));
        return map;
    }

    public override IReadOnlyList<CrmOrderItem> Items(string field) =>
        Cell(field) is { } json && ParseJson(field, json) is { } element ? ParseItems(field, element) : [];

    JsonElement? ParseJson(string field, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            Fail(field, "must be JSON in this cell");
            return null;
        }
    }
}
