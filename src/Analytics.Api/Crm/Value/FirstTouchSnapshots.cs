using Analytics.Customers;
using Analytics.Sessions;
using Analytics.Storage;

namespace Analytics.Crm.Value;

/// <summary>
/// Stored snapshots of each site's first touches per linked person (migration 0030, docs/crm-analytics.md "Customer
/// value"; <see cref="SiteSnapshots"/>): the rows of <see cref="ValueSql.FirstTouchRows"/> over every session of the
/// linked devices, which the value report and the 360-degree view's acquisition costs read on every request (10 M
/// events: 0.75–1.0 s of the value report's 1.1–1.3 s, 515 k sessions and 160 k links). Inputs: the identity links and
/// the stored sessions (<c>sessions</c>, <c>session_days</c>). A snapshot holds the first touches of every session when
/// it was built; the days computed at query time (<see cref="ISessionSource.QueryTimeFromAsync"/>: today, a day with
/// new events) are read again and their first touches join the snapshot's, the earliest counting.
/// That is exact: events are only ever added between two versions (an erasure or retention deletes from
/// <c>sessions</c>, a new version), and added events move a device's first session only earlier, into the days read
/// again, or leave its start and first event as they were; a changed end could change its person only through a new
/// link, a new version too.
/// </summary>
public sealed class FirstTouchSnapshots(IClickHouse clickHouse, ISessionSource sessions, ILogger<FirstTouchSnapshots> log,
    Observability.Metrics? metrics = null, Microsoft.Extensions.Options.IOptions<CustomerOptions>? options = null)
    : SiteSnapshots(clickHouse, log, options?.Value.OrderSnapshotInterval ?? TimeSpan.Zero,
        metrics?.Histogram("analytics_first_touch_snapshot_seconds",
            "Time to store one snapshot of a site's first touches per customer (Crm/Value/FirstTouchSnapshots).", [0.1, 1, 10, 60, 600]),
        "customer_first_touches", "customer_first_touch_snapshots", ["identity_links", "session_days", "sessions"])
{
    /// <summary>
    /// The first-touch rows of the site's linked persons (<see cref="ValueSql.FirstTouchRows"/>' columns, several per
    /// person possible): its current snapshot and the sessions computed at query time, else all sessions (and a snapshot
    /// built in the background).
    /// </summary>
    public async Task<Sql> RowsAsync(string siteId, CancellationToken ct)
    {
        var queryTimeFrom = await sessions.QueryTimeFromAsync(siteId, ct);
        if (queryTimeFrom != long.MinValue && await SnapshotOfAsync(siteId, ct) is { } snapshot)
        {
            var stored = Sql.Query($"""
                SELECT customer_id AS person, touch_start AS first_start, touch_text AS first_text
                FROM customer_first_touches
                WHERE site_id = {siteId} AND snapshot = {snapshot}
                """);
            if (queryTimeFrom is not { } since) return stored;
            var recent = await sessions.SessionsAsync(new SessionQuery(siteId, FromMs: since, LinkedOnly: true, WithoutPerson: true), ct);
            return Sql.Query($"{stored} UNION ALL SELECT person, first_start, first_text FROM ({ValueSql.FirstTouchRows(siteId, recent)}) AS recent_touches");
        }
        return await AllSessionsAsync(siteId, ct);
    }

    protected override async ValueTask<Sql> InsertAsync(string siteId, long snapshot, CancellationToken ct)
    {
        var rows = await AllSessionsAsync(siteId, ct);
        return Sql.Query($"""
            INSERT INTO customer_first_touches (site_id, snapshot, customer_id, touch_start, touch_text, ts)
            SELECT {siteId}, {snapshot}, person, first_start, first_text, toDateTime(intDiv(first_start, 1000))
            FROM ({rows}) AS first_touches
            """);
    }

    async Task<Sql> AllSessionsAsync(string siteId, CancellationToken ct) =>
        ValueSql.FirstTouchRows(siteId, await sessions.SessionsAsync(new SessionQuery(siteId, LinkedOnly: true, WithoutPerson: true), ct));
}
