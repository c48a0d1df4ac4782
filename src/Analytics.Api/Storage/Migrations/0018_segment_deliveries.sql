-- Every attempt to deliver a segment's webhook (GET /api/segments/{id}/deliveries): no customer ids, only counts.
CREATE TABLE IF NOT EXISTS segment_deliveries
(
    site_id String,
    segment_id String,
    run_id String,
    attempted_at DateTime,
    attempted_ms UInt64,
    attempt UInt32,
    status_code UInt32,
    result String,
    entered_count UInt32,
    left_count UInt32
)
ENGINE = MergeTree()
ORDER BY (site_id, segment_id, attempted_ms)
