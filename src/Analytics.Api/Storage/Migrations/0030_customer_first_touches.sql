-- The first touch of every linked person, stored (docs/crm-analytics.md "Customer value"): the rows of
-- Crm/Value/ValueSql.FirstTouchRows over every session of the linked devices (channel and campaign of the earliest,
-- as one string, and its start in Unix ms), written as one snapshot per site and version of its inputs
-- (identity_links, sessions, session_days; Crm/Value/FirstTouchSnapshots). The value report read them from the
-- sessions on every request (0.75–1.0 s at 10 M events). ts: the day of the first touch, for retention. Personal
-- data: erasure and retention walk it (PersonalDataRegistry).
CREATE TABLE IF NOT EXISTS customer_first_touches
(
    site_id String,
    snapshot Int64,
    customer_id String,
    touch_start UInt64,
    touch_text String,
    ts DateTime
)
ENGINE = MergeTree()
ORDER BY (site_id, snapshot, customer_id);

-- Which snapshot of customer_first_touches holds a site's first touches at which version of the inputs; written after
-- the snapshot's rows, so a snapshot named here is complete.
CREATE TABLE IF NOT EXISTS customer_first_touch_snapshots
(
    site_id String,
    snapshot Int64,
    version String,
    built_ms UInt64
)
ENGINE = MergeTree()
ORDER BY (site_id, snapshot);
