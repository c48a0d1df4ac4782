-- Saved customer segments for marketing automation (docs/crm-analytics.md "Segments"). The latest version of a segment
-- wins (ReplacingMergeTree by a millisecond version; read with FINAL): an update or a removal is a newer row.
-- definition: the filters as JSON (Crm/Segments/SegmentDefinition.cs); webhook_secret is never answered back.
CREATE TABLE IF NOT EXISTS segments
(
    site_id String,
    segment_id String,
    name String,
    definition String,
    webhook_url String,
    webhook_secret String,
    created_at DateTime,
    updated_at DateTime,
    removed UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, segment_id);

-- What a segment's webhook last delivered: per customer, member 1 (sent as entered) or 0 (sent as left, or dropped
-- without consent). Written after a delivery succeeds, so a restart does not send the same change again.
CREATE TABLE IF NOT EXISTS segment_members
(
    site_id String,
    segment_id String,
    customer_id String,
    member UInt8,
    changed_at DateTime,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, segment_id, customer_id)
