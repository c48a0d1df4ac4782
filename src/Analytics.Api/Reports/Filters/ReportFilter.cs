using System.Globalization;

namespace Analytics.Reports.Filters;

/// <summary>The comparison of a filter: <c>is</c>, <c>is_not</c>, <c>contains</c> (case-insensitive) or <c>in</c> (any of a list).</summary>
public enum FilterOperator { Is, IsNot, Contains, In }

/// <summary>One filter of a report: a dimension, an operator and its value (several for <c>in</c>, sorted and distinct).</summary>
public sealed record FilterCondition(ReportDimension Dimension, FilterOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>The condition as the query string writes it, normalised: the same filter always reads the same.</summary>
    public override string ToString() => $"{Dimension.Name}:{ReportFilterParser.OperatorName(Operator)}:{string.Join('|', Values)}";
}

/// <summary>
/// A <c>from</c> or <c>to</c> as the request gave it: a whole day (<c>2026-03-29</c>), a wall-clock time in the site's
/// time zone (<c>2026-03-29T10:00</c>), or an instant (<c>2026-03-29T10:00:00Z</c>, <c>…+02:00</c>).
/// </summary>
public readonly record struct ReportTime(DateOnly? Day, DateTime? Local, DateTimeOffset? Instant)
{
    public bool IsDay => Day is not null;

    /// <summary>
    /// The instant this time stands for in <paramref name="zone"/>; a day is its first moment, or with
    /// <paramref name="endOfDay"/> the first moment of the next day (a <c>to</c> day is inclusive).
    /// </summary>
    public DateTimeOffset Resolve(TimeZoneInfo zone, bool endOfDay)
    {
        if (Instant is { } instant) return instant;
        if (Day is { } day) return ReportTimeZone.StartOf(endOfDay ? day.AddDays(1) : day, zone);
        return ReportTimeZone.ToInstant(Local!.Value, zone);
    }

    public override string ToString() =>
        Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        ?? Local?.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
        ?? Instant!.Value.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
}

/// <summary>Wall-clock arithmetic in a site's zone.</summary>
public static class ReportTimeZone
{
    /// <summary>The zone of an IANA name; UTC for an empty or unknown one (a site stores a validated name or none).</summary>
    public static TimeZoneInfo Find(string? name) =>
        !string.IsNullOrEmpty(name) && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : TimeZoneInfo.Utc;

    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone) => ToInstant(day.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>
    /// The instant of a wall-clock time. A time the clocks skip (spring forward) is read as the instant the clock
    /// jumps to; a time that occurs twice (fall back) as its first occurrence (summer time).
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The local date of an instant in the zone.</summary>
    public static DateOnly DayOf(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}
