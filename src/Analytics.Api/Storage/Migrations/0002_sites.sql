-- Sites: the latest version of a site wins (ReplacingMergeTree by updated_at; read with FINAL).
CREATE TABLE IF NOT EXISTS sites
(
    site_id String,
    key String,
    name String,
    domains Array(String),
    time_zone String,
    retention_days UInt32,
    created_at DateTime,
    updated_at DateTime,
    deleted UInt8
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY site_id
