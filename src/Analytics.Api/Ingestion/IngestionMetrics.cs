using Analytics.Observability;

namespace Analytics.Ingestion;

/// <summary>The ingestion numbers an operator watches: what arrived, what was refused, what reached ClickHouse.</summary>
public sealed class IngestionMetrics(Metrics metrics)
{
    public Counter Accepted { get; } = metrics.Counter("analytics_events_accepted_total", "Events answered with 202 and spooled.");
    public Counter Rejected { get; } = metrics.Counter("analytics_events_rejected_total", "Events rejected by validation.");
    public Counter Requests { get; } = metrics.Counter("analytics_collect_requests_total", "Requests to /api/collect.");
    public Counter RefusedRequests { get; } = metrics.Counter("analytics_collect_refused_total", "Collect requests refused whole (4xx/503).");
    public Counter Written { get; } = metrics.Counter("analytics_events_written_total", "Events stored in ClickHouse.");
    public Counter Duplicates { get; } = metrics.Counter("analytics_events_duplicates_skipped_total", "Replayed events found already stored and not written again.");
    public Counter InsertFailures { get; } = metrics.Counter("analytics_insert_failures_total", "Failed inserts (retried).");
    public Counter DeadLettered { get; } = metrics.Counter("analytics_events_dead_lettered_total", "Events ClickHouse refused for good, kept in spool/dead-letter.");
    public Histogram BatchSeconds { get; } = metrics.Histogram("analytics_insert_batch_seconds", "Time to store one batch.",
        [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    public SpoolWriterMetrics Writer => new(Written, Duplicates, InsertFailures, DeadLettered, BatchSeconds);
}
