using System.Text.Json.Serialization;
using Analytics.Identity;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Sessions;

/// <summary>
/// Sessions from the stored table where it is up to date, computed at query time elsewhere, always the answer of
/// <see cref="SessionSql.Build"/> (docs/sessions.md "Stored sessions"). A day is served from the table when its
/// current generation was refreshed after its last dirty mark (by more than <see cref="SessionOptions.RefreshDelay"/>)
/// and none of its sessions could read differently for this query (one the refresh cut off, <c>open_end</c>, or one
/// the query's own range would cut). The other days (dirty, never refreshed, today) are computed by
/// <see cref="SessionSql.Build"/> from the first of them to the end of the range: its sessions starting on served days
/// are dropped, so each session comes from exactly one side. Persons are resolved at query time on both sides.
/// </summary>
public sealed class StoredSessions(IClickHouse clickHouse, IOptions<SessionOptions> options) : ISessionSource
{
    const long DayMs = 86_400_000;
    static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;
    volatile bool refreshedOnce;

    public async ValueTask<Sql> SessionsAsync(SessionQuery query, CancellationToken ct)
    {
        var o = options.Value;
        var firstDay = query.FromMs is { } f ? DayOf(f) : (DateOnly?)null;
        var lastDay = query.ToMs is { } t ? DayOf(t - 1) : (DateOnly?)null;
        if (!o.Stored || firstDay > lastDay || !await RefreshedOnceAsync(ct)) return SessionSql.Build(query, o);

        var (served, earliest) = await StoredDaysAsync(query, firstDay, lastDay, ct);
        if (served.Count == 0) return SessionSql.Build(query, o);

        var stored = StoredPart(query, served);
        // Query time from the first day not served on: from there Build's range starts exact (one gap of events before it).
        var computedFrom = firstDay ?? earliest!.Value; // an open start: no day before the earliest known one has events
        while (served.ContainsKey(computedFrom) && (lastDay is null || computedFrom <= lastDay)) computedFrom = computedFrom.AddDays(1);
        if (lastDay is { } last && computedFrom > last) return stored;
        var dayStartMs = (computedFrom.DayNumber - Epoch) * DayMs;
        var computed = SessionSql.Build(query with { FromMs = Math.Max(query.FromMs ?? long.MinValue, dayStartMs) }, o);
        var servedLater = served.Keys.Where(d => d > computedFrom).ToList();
        if (servedLater.Count > 0)
            computed = Sql.Query($"SELECT * FROM ({computed}) AS computed WHERE {SessionRefresh.DayOfStart} NOT IN {SqlInList.Of(servedLater)}");
        return Sql.Query($"{stored} UNION ALL {computed}");
    }

    /// <summary>The days of <paramref name="query"/> read from the table (the rest is computed): for tests, the bench and diagnostics.</summary>
    public async Task<IReadOnlyCollection<DateOnly>> StoredDaysAsync(SessionQuery query, CancellationToken ct)
    {
        var firstDay = query.FromMs is { } f ? DayOf(f) : (DateOnly?)null;
        var lastDay = query.ToMs is { } t ? DayOf(t - 1) : (DateOnly?)null;
        if (!options.Value.Stored || firstDay > lastDay || !await RefreshedOnceAsync(ct)) return [];
        return (await StoredDaysAsync(query, firstDay, lastDay, ct)).Served.Keys;
    }

    /// <summary>Served days and their current generation, without the days whose stored sessions this query would read differently.</summary>
    async Task<(Dictionary<DateOnly, long> Served, DateOnly? Earliest)> StoredDaysAsync(SessionQuery query, DateOnly? firstDay, DateOnly? lastDay, CancellationToken ct)
    {
        var (served, earliest) = await ServedDaysAsync(query, firstDay, lastDay, ct);
        if (served.Count > 0)
            foreach (var day in await ReadDifferentlyAsync(query, served, ct)) served.Remove(day);
        return (served, earliest);
    }

    /// <summary>The stored sessions of the served days (current generation each), with the person of their last event (unless <see cref="SessionQuery.WithoutPerson"/>).</summary>
    static Sql StoredPart(SessionQuery query, Dictionary<DateOnly, long> served)
    {
        var values = query.WithValues ? Sql.Query($", {SessionSql.ValueColumns}") : Sql.Query($"");
        Sql Source(Sql visitors) => Sql.Query($"""
            SELECT site_id, visitor_id AS vid, start_ms, end_ms, duration_ms, events, pageviews, bounce, entry_path, exit_path,
                channel, source, utm_campaign, device, browser, os, country {values}
            FROM sessions
            WHERE {Filter(query, served)} {visitors}
            """);
        var columns = Sql.Query($"{SessionSql.PersonColumns} {values}");
        return query.WithoutPerson
            ? Sql.Query($"SELECT {columns}, '' AS person FROM ({Source(Sql.Query($""))}) AS stored_without_person")
            : PersonSql.WithPerson(query.SiteId, new SqlIdentifier("visitor_id"), Source, columns, new SqlIdentifier("end_ms"), query.Visitors);
    }

    /// <summary>The site's current-generation rows of the served days, in the query's start range and visitors.</summary>
    static Sql Filter(SessionQuery query, Dictionary<DateOnly, long> served)
    {
        var from = query.FromMs is { } f ? Sql.Query($"AND start_ms >= {f}") : Sql.Query($"");
        var to = query.ToMs is { } t ? Sql.Query($"AND start_ms < {t}") : Sql.Query($"");
        var visitors = query.VisitorCondition(new SqlIdentifier("visitor_id"));
        return Sql.Query($"site_id = {query.SiteId} AND {StoredDays.Current(served)} {from} {to} {visitors}");
    }

    /// <summary>The served days of the range and their generation, and its earliest known day (<see cref="StoredDays.ServedAsync"/>).</summary>
    async Task<(Dictionary<DateOnly, long> Served, DateOnly? Earliest)> ServedDaysAsync(SessionQuery query, DateOnly? firstDay, DateOnly? lastDay, CancellationToken ct)
    {
        var (served, earliest) = await StoredDays.ServedAsync(clickHouse, query.SiteId, firstDay, lastDay, options.Value.RefreshDelay, ct);
        return (served.ToDictionary(d => d.Key, d => d.Value.Generation), earliest);
    }

    /// <summary>
    /// Served days with a stored session that this query's <see cref="SessionSql.Build"/> would read differently: one
    /// the refresh may have cut (<c>open_end</c>), or one reaching past this query's own cut (its end + tail).
    /// </summary>
    async Task<IEnumerable<DateOnly>> ReadDifferentlyAsync(SessionQuery query, Dictionary<DateOnly, long> served, CancellationToken ct)
    {
        var cut = query.ToMs is { } t ? Sql.Query($"OR end_ms >= {t + (long)options.Value.Tail.TotalMilliseconds}") : Sql.Query($"");
        var days = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT DISTINCT toString(day) AS day_text FROM sessions WHERE {Filter(query, served)} AND (open_end = 1 {cut})
            """), StoredSessionsJson.Default.DayRow, ct);
        return days.Select(d => DateOnly.Parse(d.DayText));
    }

    /// <summary>Stored sessions exist once the first refresh (all history) has finished; before, everything is computed.</summary>
    async Task<bool> RefreshedOnceAsync(CancellationToken ct)
    {
        if (refreshedOnce) return true;
        var state = await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM session_refresh_state WHERE name = 'marks'"),
            StorageJson.Default.CountRow, ct);
        return refreshedOnce = state is { N: > 0 };
    }

    static DateOnly DayOf(long ms) => DateOnly.FromDayNumber(Epoch + (int)(ms >= 0 ? ms / DayMs : (ms - DayMs + 1) / DayMs));

    internal sealed record DayRow(string DayText);
}

[JsonSerializable(typeof(StoredSessions.DayRow))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class StoredSessionsJson : JsonSerializerContext;
