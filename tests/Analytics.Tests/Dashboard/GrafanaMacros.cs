using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Tests.Dashboard;

/// <summary>
/// The macros of the grafana-clickhouse-datasource plugin that dashboards/grafana uses, expanded as the plugin's
/// documentation says, plus template variables (<c>${site}</c>, <c>$site</c>). Anything else that starts with
/// <c>$</c> is refused: a panel with a macro this does not know fails its test instead of passing unread.
/// <c>$__timeInterval</c> is refused on purpose: it becomes toStartOfInterval, which ClickHouse 18.16 lacks.
/// </summary>
public static partial class GrafanaMacros
{
    public sealed record Range(DateTimeOffset From, DateTimeOffset To, int IntervalSeconds);

    public static string Expand(string sql, Range range, IReadOnlyDictionary<string, string> variables)
    {
        var from = range.From.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var to = range.To.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        // $__timeFilter(col): col >= toDateTime(from) AND col <= toDateTime(to), the range in seconds.
        sql = TimeFilter().Replace(sql, m => $"{m.Groups[1].Value} >= toDateTime({from}) AND {m.Groups[1].Value} <= toDateTime({to})");
        sql = Macro("fromTime").Replace(sql, $"toDateTime({from})");
        sql = Macro("toTime").Replace(sql, $"toDateTime({to})");
        sql = Macro("interval_s").Replace(sql, range.IntervalSeconds.ToString(CultureInfo.InvariantCulture));
        sql = Variable().Replace(sql, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            if (name.StartsWith("__", StringComparison.Ordinal)) throw new UnknownMacroException(m.Value);
            return variables.TryGetValue(name, out var value) ? value : throw new UnknownMacroException(m.Value);
        });
        if (sql.Contains('$')) throw new UnknownMacroException(sql[sql.IndexOf('$')..][..Math.Min(30, sql.Length - sql.IndexOf('$'))]);
        return sql;
    }

    static Regex Macro(string name) => new(@"\$__" + name + @"(?![\w(])");

    [GeneratedRegex(@"\$__timeFilter\(\s*(\w+)\s*\)")]
    private static partial Regex TimeFilter();

    [GeneratedRegex(@"\$\{(?<braced>\w+)\}|\$(?<plain>\w+)")]
    private static partial Regex Variable();
}

public sealed class UnknownMacroException(string found) : Exception($"'{found}' is a macro or variable the test does not expand: implement it in GrafanaMacros (as the plugin documents it) or use another.");
