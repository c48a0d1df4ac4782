using System.Diagnostics;
using Analytics.Observability;
using Mediator;

namespace Analytics.Reports.Pipeline;

/// <summary>
/// Third behaviour: the latency of every valid report request, cache hits included (what the caller waits for), in
/// <c>analytics_report_seconds{report="…"}</c> on /metrics. Refused requests are not timed.
/// </summary>
public sealed class ReportTiming<TMessage, TResponse>(ReportMetrics metrics) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IReportRequest, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await next(message, ct);
        }
        finally
        {
            metrics.Latency.Observe(message.Report, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}

/// <summary>The reports' numbers on /metrics: latency per report, and cache hits and misses.</summary>
public sealed class ReportMetrics(Metrics metrics)
{
    static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public LabelledHistogram Latency { get; } = metrics.Register("analytics_report_seconds",
        () => new LabelledHistogram("analytics_report_seconds", "Latency of report requests in seconds, per report.", "report", Buckets));

    public Counter CacheHits { get; } = metrics.Counter("analytics_report_cache_hits_total", "Report answers served from the cache.");

    public Counter CacheMisses { get; } = metrics.Counter("analytics_report_cache_misses_total", "Report answers computed (not in the cache, or new data).");
}
