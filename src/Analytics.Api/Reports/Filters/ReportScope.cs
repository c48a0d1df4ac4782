using Analytics.Sites;

namespace Analytics.Reports.Filters;

/// <summary>The parameters every report shares, as the query string gave them (validated by <see cref="ReportInputValidator"/>).</summary>
public sealed record ReportInput(string? Site, string? From, string? To, IReadOnlyList<string> Filters)
{
    public static ReportInput FromQuery(IQueryCollection query) => new(
        NullIfEmpty(query["site"].ToString()), NullIfEmpty(query["from"].ToString()), NullIfEmpty(query["to"].ToString()),
        query["filter"].Where(f => f is not null).Select(f => f!).ToList());

    static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}

/// <summary>
/// What a report is asked about, resolved once: the site, its zone, the range as instants [<see cref="From"/>,
/// <see cref="To"/>) and the filters, sorted. A range of whole days also keeps its days (a <c>to</c> day is
/// inclusive), so that the previous period and the series count days in the site's zone, across DST changes.
/// </summary>
public sealed record ReportScope(
    Site Site, TimeZoneInfo Zone, DateTimeOffset From, DateTimeOffset To, DateOnly? FirstDay, DateOnly? LastDay,
    IReadOnlyList<FilterCondition> Conditions)
{
    /// <summary>Without <c>from</c> and <c>to</c>: the last 30 days, today included.</summary>
    public const int DefaultDays = 30;

    /// <summary>
    /// The stored snapshot of the site's orders with their customers to read (<see cref="Customers.CustomerOrderSnapshots"/>),
    /// set by a report that reads the orders; null: the query itself.
    /// </summary>
    public long? OrdersSnapshot { get; init; }

    /// <summary>
    /// The site's shared devices, named in the SQL of the sessions' persons (<see cref="Identity.SharedDevices"/>), set by a
    /// report that reads sessions with persons (a breakdown by a session dimension, the journeys); null: a subquery finds
    /// them. The events' persons keep the subquery (docs/sessions.md).
    /// </summary>
    public IReadOnlyList<string>? SharedDevices { get; init; }

    /// <summary>The site's orders with their customers, for A/B/C, RFM and value SQL.</summary>
    public Customers.CustomerOrders Orders => new(Site.Id, OrdersSnapshot);

    public long FromMs => From.ToUnixTimeMilliseconds();
    public long ToMs => To.ToUnixTimeMilliseconds();

    /// <summary>The scope of a validated input; <paramref name="now"/> fixes "today" when a bound is missing.</summary>
    public static ReportScope Resolve(ReportInput input, Site site, DateTimeOffset now)
    {
        var zone = ReportTimeZone.Find(site.TimeZone);
        var to = input.To is { } t ? ReportFilterParser.ParseTime(t, out _)!.Value : new ReportTime(ReportTimeZone.DayOf(now, zone), null, null);
        var from = input.From is { } f ? ReportFilterParser.ParseTime(f, out _)!.Value
            : to.Day is { } lastDay ? new ReportTime(lastDay.AddDays(1 - DefaultDays), null, null)
            : new ReportTime(null, null, to.Resolve(zone, endOfDay: true).AddDays(-DefaultDays));
        return new ReportScope(site, zone, from.Resolve(zone, endOfDay: false), to.Resolve(zone, endOfDay: true),
            from.Day, from.Day is null ? null : to.Day, ReportFilterParser.ParseConditions(input.Filters));
    }

    /// <summary>
    /// The period of equal length just before this one: as many whole days for a range of days, else the same
    /// duration. Same site and filters.
    /// </summary>
    public ReportScope Previous()
    {
        if (FirstDay is { } first && LastDay is { } last)
        {
            var days = last.DayNumber - first.DayNumber + 1;
            var (pFirst, pLast) = (first.AddDays(-days), first.AddDays(-1));
            return this with
            {
                From = ReportTimeZone.StartOf(pFirst, Zone), To = ReportTimeZone.StartOf(first, Zone), FirstDay = pFirst, LastDay = pLast,
            };
        }
        var length = To - From;
        return this with { From = From - length, To = From, FirstDay = null, LastDay = null };
    }

    /// <summary>The scope as a cache key: site, instants and the normalised filters.</summary>
    public string Key => $"{Site.Id}|{FromMs}|{ToMs}|{Zone.Id}|{string.Join('&', Conditions)}";
}
