using System.Diagnostics;
using System.Text.Json.Serialization;
using Analytics.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Sessions;

/// <summary>What one refresh did: the (site, day) pairs recomputed, the sessions written, the days still waiting.</summary>
public sealed record SessionRefreshResult(int DaysRefreshed, long SessionsWritten, int DaysWaiting);

/// <summary>
/// Brings the stored sessions up to date (docs/sessions.md "Stored sessions"): reads the dirty marks between its
/// watermark and now − <see cref="SessionOptions.RefreshDelay"/>, recomputes the sessions starting on each marked
/// (site, day) with <see cref="SessionSql.Facts"/> under a new generation, points <c>session_days</c> at it, then moves
/// the watermark (in ClickHouse, so a restart resumes). The first run, without a watermark, computes every day with
/// events. One refresh at a time (the background loop, or a test or the bench calling <see cref="RefreshOnceAsync"/>).
/// </summary>
public sealed class SessionRefresh(IClickHouse clickHouse, IOptions<SessionOptions> options, SessionMetrics metrics, ILogger<SessionRefresh> logger)
{
    const long DayMs = 86_400_000;
    static readonly DateOnly Epoch = new(1970, 1, 1);
    readonly SemaphoreSlim oneAtATime = new(1, 1);
    long lastCleanup = long.MinValue;

    /// <summary>The UTC day of a time in ms, as ClickHouse computes it for the stored <c>day</c>.</summary>
    public static readonly Sql DayOfStart = Sql.Query($"toDate('1970-01-01') + intDiv(start_ms, 86400000)");

    public async Task<SessionRefreshResult> RefreshOnceAsync(CancellationToken ct)
    {
        await oneAtATime.WaitAsync(ct);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var result = await RefreshAsync(ct);
            metrics.RefreshSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            metrics.SessionsWritten.Add(result.SessionsWritten);
            metrics.DaysWaiting = result.DaysWaiting;
            if (Environment.TickCount64 - lastCleanup >= (long)options.Value.CleanupInterval.TotalMilliseconds || lastCleanup == long.MinValue)
            {
                await CleanupAsync(ct);
                lastCleanup = Environment.TickCount64;
            }
            return result;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    async Task<SessionRefreshResult> RefreshAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT toUInt32(now()) AS n"), StorageJson.Default.CountRow, ct))!.N;
        var state = await StateAsync(ct);
        var upTo = now - (long)o.RefreshDelay.TotalSeconds;
        var from = state?.Watermark ?? 0;
        // A day is ready when its latest mark is older than the delay; a day still being marked waits (its marks stay past the watermark).
        var marked = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT site_id, toString(day) AS day_text, toUInt32(max(marked_at)) AS last_mark
            FROM session_dirty_days WHERE marked_at >= {DateTimeOffset.FromUnixTimeSeconds(from)}
            GROUP BY site_id, day
            """), SessionRefreshJson.Default.MarkedDay, ct);
        var ready = marked.Where(m => m.LastMark < upTo).Select(m => (m.SiteId, DateOnly.Parse(m.DayText))).ToHashSet();
        var waiting = marked.Count - ready.Count;
        if (state is null) ready.UnionWith(await NeverRefreshedDaysAsync(ct));
        if (ready.Count == 0 && state is not null && upTo - state.Watermark < 60)
            return new SessionRefreshResult(0, 0, waiting);

        var generation = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (state?.Generation ?? 0) + 1);
        long written = 0;
        foreach (var site in ready.GroupBy(d => d.SiteId))
        {
            var days = site.Select(d => d.Item2).ToList();
            var events = await EventsPerDayAsync(site.Key, days, ct);
            foreach (var run in Runs(days, events, o.MaxDaysPerRefresh, o.MaxEventsPerRefresh))
                written += await RefreshDaysAsync(site.Key, run, generation, now, ct);
        }
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO session_refresh_state (name, watermark, generation, version)
            SELECT 'marks', {DateTimeOffset.FromUnixTimeSeconds(Math.Max(upTo, from))}, {generation}, {generation}
            """), ct);
        if (ready.Count > 0) logger.LogInformation("Refreshed the stored sessions of {Days} days ({Sessions} sessions)", ready.Count, written);
        return new SessionRefreshResult(ready.Count, written, waiting);
    }

    /// <summary>
    /// Recomputes the sessions starting in <paramref name="days"/> (consecutive) under <paramref name="generation"/>,
    /// then switches those days to it: readers see the old generation or the new one, never a mix.
    /// </summary>
    async Task<long> RefreshDaysAsync(string site, List<DateOnly> days, long generation, long now, CancellationToken ct)
    {
        var o = options.Value;
        var fromMs = (days[0].DayNumber - Epoch.DayNumber) * DayMs;
        var toMs = (days[^1].DayNumber - Epoch.DayNumber + 1) * DayMs;
        // An event at or after the cut (toMs + tail) was not read: a session ending within a gap of it may go on.
        var openFrom = toMs + (long)o.Tail.TotalMilliseconds - (long)o.Gap.TotalMilliseconds;
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO sessions ({SessionSql.FactColumns}, day, generation, open_end)
            SELECT {SessionSql.FactColumns}, {DayOfStart} AS day, toUInt64({generation}) AS generation, toUInt8(end_ms >= {openFrom}) AS open_end
            FROM ({SessionSql.Facts(new SessionQuery(site, fromMs, toMs), o)}) AS refreshed
            """), ct);
        var written = (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT count() AS n FROM sessions
            WHERE site_id = {site} AND day >= {days[0]} AND day <= {days[^1]} AND generation = {generation}
            """), StorageJson.Default.CountRow, ct))!.N;
        await clickHouse.ExecuteAsync(VisitorHours.Refresh(site, fromMs, toMs, generation), ct);
        await clickHouse.ExecuteAsync(SessionProductViews.Refresh(site, days, generation), ct);
        await clickHouse.ExecuteAsync(Sql.Query($"""
            INSERT INTO session_days (site_id, day, generation, refreshed_from_mark, version, hours)
            SELECT {site}, arrayJoin({days}), toUInt64({generation}), {DateTimeOffset.FromUnixTimeSeconds(now)}, toUInt64({generation}), toUInt8(1)
            """), ct);
        return written;
    }

    /// <summary>The first run after the upgrade: every (site, day) with events and no stored day yet (the marks do not cover the past).</summary>
    async Task<List<(string, DateOnly)>> NeverRefreshedDaysAsync(CancellationToken ct)
    {
        var withEvents = await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT site_id, toString(toDate('1970-01-01') + intDiv(ts_ms, 86400000)) AS day_text FROM events GROUP BY site_id, day_text
            """), SessionRefreshJson.Default.SiteDay, ct);
        var stored = (await clickHouse.QueryListAsync(Sql.Query($"SELECT site_id, toString(day) AS day_text FROM session_days GROUP BY site_id, day"),
            SessionRefreshJson.Default.SiteDay, ct)).ToHashSet();
        return withEvents.Where(d => !stored.Contains(d)).Select(d => (d.SiteId, DateOnly.Parse(d.DayText))).ToList();
    }

    async Task<RefreshState?> StateAsync(CancellationToken ct) =>
        await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"""
            SELECT toUInt32(argMax(watermark, version)) AS watermark, argMax(generation, version) AS generation
            FROM session_refresh_state WHERE name = 'marks' HAVING count() > 0
            """), SessionRefreshJson.Default.RefreshState, ct);

    /// <summary>The events of each of <paramref name="days"/> (UTC) of a site: what a run of them costs to refresh.</summary>
    async Task<Dictionary<DateOnly, long>> EventsPerDayAsync(string site, IReadOnlyCollection<DateOnly> days, CancellationToken ct) =>
        (await clickHouse.QueryListAsync(Sql.Query($"""
            SELECT toString(toDate(ts)) AS day_text, count() AS n FROM events
            WHERE site_id = {site} AND toDate(ts) IN {SqlInList.Of(days.Order())}
            GROUP BY day_text
            """), SessionRefreshJson.Default.DayCount, ct))
        .ToDictionary(d => DateOnly.Parse(d.DayText), d => d.N);

    /// <summary>
    /// Consecutive days in runs of at most <paramref name="maxDays"/> days and, unless a day alone is more,
    /// <paramref name="maxEvents"/> events (a day missing from <paramref name="events"/> has none): one INSERT … SELECT each.
    /// </summary>
    internal static IEnumerable<List<DateOnly>> Runs(IEnumerable<DateOnly> days, IReadOnlyDictionary<DateOnly, long> events, int maxDays, long maxEvents)
    {
        var run = new List<DateOnly>();
        long runEvents = 0;
        foreach (var day in days.Distinct().Order())
        {
            var dayEvents = events.GetValueOrDefault(day);
            if (run.Count > 0 && (day.DayNumber != run[^1].DayNumber + 1 || run.Count >= maxDays || runEvents + dayEvents > maxEvents))
            {
                yield return run;
                run = [];
                runEvents = 0;
            }
            run.Add(day);
            runEvents += dayEvents;
        }
        if (run.Count > 0) yield return run;
    }

    /// <summary>
    /// Deletes the rows of generations that are no longer current, of the sessions, the visitor hours and the product views (once the current one is older than
    /// <see cref="SessionOptions.KeepSuperseded"/>: a report that read the old pointer has finished) and the marks the
    /// watermark passed an hour ago. Found from the tables themselves, so nothing is lost across restarts.
    /// </summary>
    async Task CleanupAsync(CancellationToken ct)
    {
        var o = options.Value;
        var keepAfter = (DateTimeOffset.UtcNow - o.KeepSuperseded).ToUnixTimeMilliseconds();
        foreach (var table in new[] { "sessions", VisitorHours.Table, SessionProductViews.Table })
        {
            // Rows of any generation but the current one: a day refreshed since (two generations), or one whose events are all gone.
            var stale = await clickHouse.QueryListAsync(Sql.Query($"""
                SELECT site_id, toString(day) AS day_text, current
                FROM
                (
                    SELECT site_id, day, groupUniqArray(generation) AS generations FROM {new SqlIdentifier(table)} GROUP BY site_id, day
                ) AS stored
                ANY INNER JOIN
                (
                    SELECT site_id, day, argMax(generation, version) AS current FROM session_days GROUP BY site_id, day
                ) AS pointers USING site_id, day
                WHERE current < {keepAfter} AND NOT (length(generations) = 1 AND generations[1] = current)
                """), SessionRefreshJson.Default.StaleDay, ct);
            foreach (var site in stale.GroupBy(s => s.SiteId))
                foreach (var chunk in site.Chunk(200))
                {
                    var days = chunk.Select(d => Sql.Query($"(day = {DateOnly.Parse(d.DayText)} AND generation != {d.Current})"))
                        .Aggregate((a, b) => Sql.Query($"{a} OR {b}"));
                    await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE {new SqlIdentifier(table)} DELETE WHERE site_id = {site.Key} AND ({days})"), ct);
                }
        }
        if (await StateAsync(ct) is { } state)
        {
            var before = DateTimeOffset.FromUnixTimeSeconds(state.Watermark - 3600);
            var old = (await clickHouse.QueryFirstOrDefaultAsync(Sql.Query($"SELECT count() AS n FROM session_dirty_days WHERE marked_at < {before}"),
                StorageJson.Default.CountRow, ct))!.N;
            if (old > 0) await clickHouse.ExecuteAsync(Sql.Query($"ALTER TABLE session_dirty_days DELETE WHERE marked_at < {before}"), ct);
        }
    }

    internal sealed record RefreshState(long Watermark, long Generation);
    internal sealed record MarkedDay(string SiteId, string DayText, long LastMark);
    internal sealed record SiteDay(string SiteId, string DayText);
    internal sealed record StaleDay(string SiteId, string DayText, long Current);
    internal sealed record DayCount(string DayText, long N);
}

[JsonSerializable(typeof(SessionRefresh.RefreshState))]
[JsonSerializable(typeof(SessionRefresh.MarkedDay))]
[JsonSerializable(typeof(SessionRefresh.SiteDay))]
[JsonSerializable(typeof(SessionRefresh.StaleDay))]
[JsonSerializable(typeof(SessionRefresh.DayCount))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class SessionRefreshJson : JsonSerializerContext;

/// <summary>The background loop around <see cref="SessionRefresh.RefreshOnceAsync"/>: every <see cref="SessionOptions.RefreshInterval"/>.</summary>
public sealed class SessionRefreshService(SessionRefresh refresh, SchemaReady schemaReady, IOptions<SessionOptions> options,
    ILogger<SessionRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await schemaReady.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Value.RefreshInterval);
            do
            {
                try
                {
                    await refresh.RefreshOnceAsync(stoppingToken);
                }
                catch (ClickHouseException e)
                {
                    logger.LogWarning("The session refresh failed; the next one retries the same days: {Error}", e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug here must not stop the host: reports still answer (dirty days are computed); say it loudly.
                    logger.LogError(e, "The session refresh failed unexpectedly; retrying at the next interval");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
