-- Users as records of their own (any number of tokens each) and the sites each may see. The latest version
-- of a row wins (ReplacingMergeTree by a millisecond version; read with FINAL): a removal is a newer row.
CREATE TABLE IF NOT EXISTS users
(
    user_id String,
    name String,
    role String,
    created_at DateTime,
    deactivated UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY user_id;

CREATE TABLE IF NOT EXISTS site_members
(
    site_id String,
    user_id String,
    changed_at DateTime,
    removed UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, user_id);

-- A token's user; empty for tokens made before users existed (each stands for a user of its own).
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: SchemaMigrations takes "already exists" as applied.
ALTER TABLE api_tokens ADD COLUMN user_id String
