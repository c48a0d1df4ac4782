using Analytics.Observability;

namespace Analytics.Sessions;

/// <summary>The refresh job's numbers on /metrics: how long a refresh takes, what it wrote, how many days wait.</summary>
public sealed class SessionMetrics
{
    public Histogram RefreshSeconds { get; }
    public Counter SessionsWritten { get; }
    public int DaysWaiting { get; set; }

    public SessionMetrics(Metrics metrics)
    {
        RefreshSeconds = metrics.Histogram("analytics_session_refresh_seconds",
            "Time of one refresh of the stored sessions (marks read, dirty days recomputed, pointers switched).", [0.01, 0.1, 1, 10, 60, 600]);
        SessionsWritten = metrics.Counter("analytics_sessions_written_total", "Sessions written to the stored sessions table by refreshes.");
        metrics.Gauge("analytics_session_dirty_days_pending",
            "Marked (site, day) pairs not refreshed yet: marked within Sessions:RefreshDelay, or still receiving events.", () => DaysWaiting);
    }

    /// <summary>Metrics that go nowhere: for a refresh run outside the service (tests, the bench).</summary>
    public static SessionMetrics Unregistered() => new(new Metrics());
}
