-- Saved goals of a site (docs/reports.md "goals"): a pageview of a path or pattern, or an event by name. The latest
-- version of a goal wins (ReplacingMergeTree by a millisecond version; read with FINAL): a removal is a newer row.
CREATE TABLE IF NOT EXISTS goals
(
    site_id String,
    goal_id String,
    name String,
    type String,
    path String,
    event_name String,
    created_at DateTime,
    removed UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, goal_id)
