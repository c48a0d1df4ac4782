using System.Globalization;
using System.Text;

namespace Analytics.Reports;

/// <summary>A report as a table for <c>text/csv</c> (RFC 4180: comma, CRLF, quotes doubled inside quoted cells).</summary>
public sealed record CsvTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<object>> Rows)
{
    public string Render()
    {
        var sb = new StringBuilder();
        Line(sb, Header);
        foreach (var row in Rows) Line(sb, row.Select(Cell).ToList());
        return sb.ToString();
    }

    static string Cell(object value) => value switch
    {
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static void Line(StringBuilder sb, IReadOnlyList<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) sb.Append(',');
            var cell = cells[i];
            // A cell a spreadsheet would run as a formula is prefixed with ' (CSV injection).
            if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                cell = "'" + cell;
            if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0) sb.Append('"').Append(cell.Replace("\"", "\"\"")).Append('"');
            else sb.Append(cell);
        }
        sb.Append("\r\n");
    }
}
