using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Analytics.Storage;

/// <summary>
/// A SQL statement whose every interpolated value was turned into a ClickHouse literal by <see cref="SqlLiteral"/>.
/// <c>Sql.Query($"… WHERE site_id = {siteId}")</c> is the only way values enter SQL; a raw string cannot be spliced in.
/// </summary>
public readonly struct Sql
{
    public string Text { get; }

    Sql(string text) => Text = text;

    public static Sql Query([InterpolatedStringHandlerArgument] ref SqlBuilder query) => new(query.ToStringAndClear());

    /// <summary>
    /// Whole statements from the repository (migrations) or typed by the operator (the query CLI), never from a request.
    /// Code and tests build SQL with <see cref="Query"/>; names go in as <see cref="SqlIdentifier"/>.
    /// </summary>
    internal static Sql Trusted(string text) => new(text);

    public override string ToString() => Text;
}

/// <summary>A name (database, table, column) checked against a strict pattern and back-quoted.</summary>
public readonly struct SqlIdentifier
{
    public string Name { get; }

    public SqlIdentifier(string name)
    {
        if (!IsValid(name))
            throw new ArgumentException($"'{name}' is not a valid identifier: letters, digits and _ only, not starting with a digit.", nameof(name));
        Name = name;
    }

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || char.IsAsciiDigit(name[0])) return false;
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    public override string ToString() => "`" + Name + "`";
}

/// <summary>Values for the right side of IN: formatted as a parenthesised list instead of an array.</summary>
public readonly record struct SqlInList(IEnumerable Items)
{
    public static SqlInList Of<T>(IEnumerable<T> items) => new(items);
}

[InterpolatedStringHandler]
public ref struct SqlBuilder
{
    StringBuilder builder;

    public SqlBuilder(int literalLength, int formattedCount) => builder = new StringBuilder(literalLength + formattedCount * 16);

    public void AppendLiteral(string text) => builder.Append(text);

    public void AppendFormatted(Sql fragment) => builder.Append(fragment.Text);

    public void AppendFormatted(SqlIdentifier identifier) => builder.Append(identifier.ToString());

    public void AppendFormatted<T>(T value) => SqlLiteral.Append(builder, value);

    internal string ToStringAndClear()
    {
        var text = builder.ToString();
        builder = null!;
        return text;
    }
}

/// <summary>Turns a .NET value into a ClickHouse literal that both 18.16 and 26.7 read back as exactly that value.</summary>
public static class SqlLiteral
{
    public static string Format<T>(T value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    public static void Append<T>(StringBuilder sb, T value)
    {
        switch (value)
        {
            case null: sb.Append("NULL"); break;
            case string s: AppendString(sb, s); break;
            case char c: AppendString(sb, c.ToString()); break;
            case bool b: sb.Append(b ? '1' : '0'); break;
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                sb.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)); break;
            case double d: AppendFloat(sb, d); break;
            case float f: AppendFloat(sb, f); break;
            case decimal m: sb.Append(m.ToString(CultureInfo.InvariantCulture)); break;
            case Guid g: sb.Append("toUUID('").Append(g.ToString("D")).Append("')"); break;
            // Unix seconds: no time-zone or format ambiguity between server versions.
            case DateTimeOffset dto: sb.Append("toDateTime(").Append(dto.ToUnixTimeSeconds()).Append(')'); break;
            case DateTime dt: sb.Append("toDateTime(").Append(new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)).ToUnixTimeSeconds()).Append(')'); break;
            case DateOnly day: sb.Append("toDate('").Append(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("')"); break;
            case SqlInList list: AppendList(sb, list.Items); break;
            case IEnumerable items: AppendArray(sb, items); break;
            default: throw new ArgumentException($"No SQL literal for values of type {value.GetType().Name}.");
        }
    }

    static void AppendFloat(StringBuilder sb, double d)
    {
        if (double.IsNaN(d)) sb.Append("nan");
        else if (double.IsPositiveInfinity(d)) sb.Append("inf");
        else if (double.IsNegativeInfinity(d)) sb.Append("-inf");
        else sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
    }

    static void AppendList(StringBuilder sb, IEnumerable items)
    {
        sb.Append('(');
        var first = true;
        foreach (var item in items)
        {
            if (!first) sb.Append(", ");
            first = false;
            Append(sb, item);
        }
        if (first) sb.Append("NULL"); // IN () is a syntax error; IN (NULL) matches nothing
        sb.Append(')');
    }

    static void AppendArray(StringBuilder sb, IEnumerable items)
    {
        sb.Append('[');
        var first = true;
        foreach (var item in items)
        {
            if (!first) sb.Append(", ");
            first = false;
            Append(sb, item);
        }
        sb.Append(']');
    }

    /// <summary>Single-quoted, with backslash escapes for the quote, the backslash and every control character.</summary>
    public static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('\'');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\0': sb.Append(@"\0"); break;
                case '\b': sb.Append(@"\b"); break;
                case '\f': sb.Append(@"\f"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                        sb.Append(@"\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        sb.Append(c).Append(s[++i]);
                    else if (char.IsSurrogate(c))
                        sb.Append('\uFFFD'); // a lone surrogate has no UTF-8 form
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('\'');
    }
}
