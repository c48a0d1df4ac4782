-- Stored sessions (docs/sessions.md "Stored sessions"): the facts of SessionSql per session, without the person
-- (resolved at query time from identity_links), written per (site, UTC day of the start) by the refresh job.
-- A refresh writes a day's sessions under a new generation, then points session_days at it; rows of other
-- generations are never read and are deleted later. open_end = 1: the refresh read up to a cut that a next
-- event could have continued the session past, so a query computes that day itself.
CREATE TABLE IF NOT EXISTS sessions
(
    site_id String,
    visitor_id String,
    start_ms UInt64,
    end_ms UInt64,
    duration_ms UInt64,
    events UInt64,
    pageviews UInt64,
    bounce UInt8,
    entry_path String,
    exit_path String,
    channel String,
    source String,
    utm_campaign String,
    device String,
    browser String,
    os String,
    country String,
    day Date,
    generation UInt64,
    open_end UInt8
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, visitor_id, start_ms);

-- Which generation of a (site, day) is current, and the server time its refresh started from: a dirty mark at or
-- after refreshed_from_mark minus the visibility margin means the stored day may be stale. The latest version wins.
CREATE TABLE IF NOT EXISTS session_days
(
    site_id String,
    day Date,
    generation UInt64,
    refreshed_from_mark DateTime,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, day);

-- (site, day) pairs whose stored sessions an insert of events may have changed: written by the events writer
-- before (and again after) each insert, with the server's time. Old marks are deleted by the refresh job.
CREATE TABLE IF NOT EXISTS session_dirty_days
(
    site_id String,
    day Date,
    marked_at DateTime DEFAULT now()
)
ENGINE = MergeTree()
ORDER BY (site_id, day, marked_at);

-- The refresh job's watermark: marks before it (minus the margin) are processed. Survives restarts.
CREATE TABLE IF NOT EXISTS session_refresh_state
(
    name String,
    watermark DateTime,
    generation UInt64,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY name;
