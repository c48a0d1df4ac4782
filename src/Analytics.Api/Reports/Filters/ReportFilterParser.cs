using System.Globalization;

namespace Analytics.Reports.Filters;

/// <summary>
/// The one parser of the report parameters every report shares (docs/reports.md): <c>from</c>/<c>to</c> and
/// <c>filter=DIMENSION:OPERATOR:VALUE</c> (repeatable; the value is everything after the second colon; <c>in</c>
/// takes values separated by <c>|</c>). The validator reports its errors; the scope takes its values.
/// </summary>
public static class ReportFilterParser
{
    public const int MaxFilters = 20;
    public const int MaxValueLength = 1000;

    static readonly string[] InstantFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];
    static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"];

    public static string OperatorName(FilterOperator op) => op switch
    {
        FilterOperator.Is => "is",
        FilterOperator.IsNot => "is_not",
        FilterOperator.Contains => "contains",
        _ => "in",
    };

    static FilterOperator? Operator(string name) => name switch
    {
        "is" => FilterOperator.Is,
        "is_not" => FilterOperator.IsNot,
        "contains" => FilterOperator.Contains,
        "in" => FilterOperator.In,
        _ => null,
    };

    /// <summary>An ISO-8601 date, local date-time or date-time with offset; null and an error message otherwise.</summary>
    public static ReportTime? ParseTime(string text, out string? error)
    {
        text = text.Trim();
        var time = Parse(text);
        error = time is null
            ? $"'{Shorten(text)}' is not an ISO-8601 date (2026-03-29) or date-time (2026-03-29T10:00, 2026-03-29T10:00:00Z, 2026-03-29T10:00:00+02:00)."
            : InRange(time.Value) ? null : $"'{Shorten(text)}' is outside the years {MinYear} to {MaxYear}.";
        return error is null ? time : null;
    }

    // Events have Unix times (no year before 1970); the bounds also keep day arithmetic in any zone far from overflow.
    const int MinYear = 1970, MaxYear = 2199;

    static bool InRange(ReportTime time)
    {
        var year = time.Day?.Year ?? time.Local?.Year ?? time.Instant!.Value.UtcDateTime.Year;
        return year is >= MinYear and <= MaxYear && (time.Instant is null || time.Instant.Value.ToUnixTimeMilliseconds() >= 0);
    }

    static ReportTime? Parse(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new ReportTime(day, null, null);
        if (HasOffset(text) && DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            return new ReportTime(null, null, instant);
        if (!HasOffset(text) && DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return new ReportTime(null, local, null);
        return null;
    }

    /// <summary>A time zone designator after the time part: Z, +hh:mm or -hh:mm.</summary>
    static bool HasOffset(string text)
    {
        var t = text.IndexOfAny(['T', ' ']);
        if (t < 0) return false;
        var time = text[(t + 1)..];
        return time.EndsWith('Z') || time.EndsWith('z') || time.Contains('+') || time.Contains('-');
    }

    /// <summary>One <c>filter</c> parameter as a condition; null and an error message otherwise.</summary>
    public static FilterCondition? ParseCondition(string text, out string? error)
    {
        error = null;
        var parts = text.Split(':', 3);
        if (parts.Length < 3)
        {
            error = $"'{Shorten(text)}' is not DIMENSION:OPERATOR:VALUE (e.g. country:is:DE, page:contains:/shoes, channel:in:email|social).";
            return null;
        }
        var dimension = ReportDimensions.Find(parts[0].Trim());
        if (dimension is null)
        {
            error = $"'{Shorten(parts[0])}' is not a dimension; filters take {ReportDimensions.FilterNames}.";
            return null;
        }
        if (!dimension.Available)
        {
            error = $"'{dimension.Name}' is not available yet.";
            return null;
        }
        if (!dimension.CanFilter)
        {
            error = $"'{dimension.Name}' is a breakdown of sessions, not a filter (filters take {ReportDimensions.FilterNames}).";
            return null;
        }
        if (Operator(parts[1].Trim()) is not { } op)
        {
            error = $"'{Shorten(parts[1])}' is not an operator; use is, is_not, contains or in.";
            return null;
        }
        var value = parts[2];
        if (value.Length > MaxValueLength)
        {
            error = $"The value of a filter on {dimension.Name} is longer than {MaxValueLength} characters.";
            return null;
        }
        if (op == FilterOperator.Contains && value.Length == 0)
        {
            error = $"contains needs a value (filter on {dimension.Name}).";
            return null;
        }
        IReadOnlyList<string> values = op == FilterOperator.In
            ? value.Split('|').Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
            : [value];
        return new FilterCondition(dimension, op, values);
    }

    /// <summary>All filters, sorted by their text so that the same set in any order is the same (cache keys).</summary>
    public static IReadOnlyList<FilterCondition> ParseConditions(IEnumerable<string> filters) =>
        filters.Select(f => ParseCondition(f, out _) ?? throw new ArgumentException($"Unparsable filter '{f}': validate first."))
            .DistinctBy(c => c.ToString()).OrderBy(c => c.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>Echoed input is cut short: an error message never carries a whole hostile parameter.</summary>
    static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
