-- When retention last ran per site (issue 18): GET /api/sites/{key} shows it, and after a restart the job resumes
-- its hourly rhythm from here instead of from the start. The latest run per site wins (read with FINAL).
CREATE TABLE IF NOT EXISTS retention_runs
(
    site_id String,
    ran_at DateTime,
    removed UInt64
)
ENGINE = ReplacingMergeTree(ran_at)
ORDER BY site_id
