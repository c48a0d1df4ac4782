using System.Globalization;
using Analytics.Storage;

namespace Analytics.Reports.Filters;

/// <summary>The buckets of a time series: hours, days, weeks (from Monday) or months, in the site's time zone.</summary>
public enum ReportInterval { Hour, Day, Week, Month }

/// <summary>One bucket: its key as the SQL gives it, and its first instant.</summary>
public readonly record struct SeriesBucket(string Key, DateTimeOffset Start);

public static class ReportIntervals
{
    /// <summary>A series has at most this many buckets (2 000 hours is about 83 days).</summary>
    public const int MaxBuckets = 2000;

    public static ReportInterval? Parse(string? text) => text switch
    {
        "hour" => ReportInterval.Hour,
        "day" => ReportInterval.Day,
        "week" => ReportInterval.Week,
        "month" => ReportInterval.Month,
        _ => null,
    };

    public static string Name(ReportInterval interval) => interval.ToString().ToLowerInvariant();

    /// <summary>Without <c>interval</c>: hours up to two days, days up to about a year, else months.</summary>
    public static ReportInterval Default(ReportScope scope) => (scope.To - scope.From).TotalDays switch
    {
        <= 2 => ReportInterval.Hour,
        <= 400 => ReportInterval.Day,
        _ => ReportInterval.Month,
    };

    /// <summary>
    /// The bucket key of an instant column (DateTime <paramref name="time"/>) in the zone: the hour's first second
    /// (Unix seconds), else the local date of the day, the week's Monday or the month's first day.
    /// </summary>
    public static Sql KeySql(ReportInterval interval, Sql time, TimeZoneInfo zone) => interval switch
    {
        ReportInterval.Hour => Sql.Query($"toString(toUnixTimestamp(toStartOfHour({time}, {zone.Id})))"),
        ReportInterval.Day => Sql.Query($"toString(toDate({time}, {zone.Id}))"),
        ReportInterval.Week => Sql.Query($"toString(toMonday({time}, {zone.Id}))"),
        _ => Sql.Query($"toString(toStartOfMonth({time}, {zone.Id}))"),
    };

    /// <summary>
    /// Whether every bucket of the range starts on a whole UTC hour (any zone whose offset is whole hours over the
    /// range): then hourly rows such as the visitor hours fall each in one bucket.
    /// </summary>
    public static bool StartOnWholeHours(ReportInterval interval, ReportScope scope) =>
        Buckets(interval, scope).All(b => b.Start.ToUnixTimeMilliseconds() % 3_600_000 == 0);

    /// <summary>Every bucket the range touches, in order, including empty ones.</summary>
    public static List<SeriesBucket> Buckets(ReportInterval interval, ReportScope scope)
    {
        var buckets = new List<SeriesBucket>();
        var zone = scope.Zone;
        if (interval == ReportInterval.Hour)
        {
            var local = TimeZoneInfo.ConvertTime(scope.From, zone).DateTime;
            var start = ReportTimeZone.ToInstant(new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0), zone);
            // Absolute hours: across a DST change the local hour repeats or is skipped, the buckets stay an hour long.
            for (var t = start; t < scope.To && buckets.Count <= MaxBuckets; t = t.AddHours(1))
                buckets.Add(new SeriesBucket(t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), t));
            return buckets;
        }
        var first = ReportTimeZone.DayOf(scope.From, zone);
        var last = ReportTimeZone.DayOf(scope.To.AddTicks(-1), zone);
        var day = interval switch
        {
            ReportInterval.Week => first.AddDays(-(((int)first.DayOfWeek + 6) % 7)),
            ReportInterval.Month => new DateOnly(first.Year, first.Month, 1),
            _ => first,
        };
        for (; day <= last && buckets.Count <= MaxBuckets; day = Next(interval, day))
            buckets.Add(new SeriesBucket(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ReportTimeZone.StartOf(day, zone)));
        return buckets;
    }

    static DateOnly Next(ReportInterval interval, DateOnly day) => interval switch
    {
        ReportInterval.Week => day.AddDays(7),
        ReportInterval.Month => day.AddMonths(1),
        _ => day.AddDays(1),
    };
}
