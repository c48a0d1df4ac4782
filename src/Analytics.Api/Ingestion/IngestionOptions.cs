using System.ComponentModel.DataAnnotations;

namespace Analytics.Ingestion;

/// <summary>Settings of the Ingestion section (appsettings.json or Ingestion__X environment variables).</summary>
public sealed class IngestionOptions
{
    /// <summary>Largest accepted body of /api/collect, in bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)] public int MaxBodyBytes { get; set; } = 256 * 1024;
    [Range(1, 100_000)] public int MaxEventsPerBatch { get; set; } = 500;
    /// <summary>Client times older than this (or in the future) are replaced by the receive time.</summary>
    [Range(1, 24 * 30)] public int MaxClientAgeHours { get; set; } = 24;
    /// <summary>Requests a second per client address; 0 switches the limit off.</summary>
    [Range(0, 1_000_000)] public int RateLimitPerSecond { get; set; } = 50;
    [Range(1, 10_000_000)] public int RateLimitBurst { get; set; } = 200;

    [Range(1, 1_000_000)] public int BatchRows { get; set; } = 20_000;
    [Range(1024, 512 * 1024 * 1024)] public int BatchBytes { get; set; } = 16 * 1024 * 1024;
    /// <summary>How long the writer waits for a batch to fill before it writes what it has.</summary>
    [Range(1, 60_000)] public int FlushIntervalMs { get; set; } = 200;
    [Range(1024 * 1024, long.MaxValue)] public long SpoolMaxBytes { get; set; } = 1L << 30;
    [Range(64 * 1024, 1L << 32)] public long SpoolSegmentBytes { get; set; } = 64L << 20;
    /// <summary>fsync of the spool for power loss; a killed process loses nothing without it.</summary>
    [Range(10, 60_000)] public int SpoolFsyncIntervalMs { get; set; } = 1000;
    [Range(1, 3600)] public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>
    /// Requests to /api/collect and /api/consent in the service at once; more are answered 503 with Retry-After
    /// (<see cref="BusyRetryAfterSeconds"/>). Bounds the memory one burst can hold (at most this × MaxBodyBytes for
    /// BodyTimeoutSeconds). A slow client holds its permit while its body trickles in, so the default stays above the
    /// thousands of slow connections the slow-body bench opens: they must not lock out normal clients. 0 switches it off.
    /// </summary>
    [Range(0, 1_000_000)] public int MaxConcurrentRequests { get; set; } = 4096;
    [Range(1, 3600)] public int BusyRetryAfterSeconds { get; set; } = 2;
    /// <summary>How long a whole collect body may take to arrive; a slower one is answered 408.</summary>
    [Range(1, 600)] public int BodyTimeoutSeconds { get; set; } = 10;

    // Kestrel's limits for every connection, set here on purpose rather than left to the framework's defaults:
    // together with the growing body buffer they keep slow (trickling) clients cheap.
    /// <summary>A request body slower than this (after the grace period) is cut off by the server.</summary>
    [Range(1, 1_000_000)] public int MinBodyBytesPerSecond { get; set; } = 240;
    [Range(1, 600)] public int BodyRateGraceSeconds { get; set; } = 5;
    /// <summary>How long the request line and headers may take to arrive.</summary>
    [Range(1, 600)] public int RequestHeadersTimeoutSeconds { get; set; } = 10;
}
