-- Visitor hours (docs/sessions.md "Visitor hours"): per (site, UTC hour, visitor) the non-bot events and pageviews,
-- written by the session refresh beside each day's stored sessions, under the same generation. Reports count persons
-- over these rows instead of every event (a tenth of the rows or less), resolving the person at query time from
-- identity_links through vid_hash (cityHash64(visitor_id)), so a new link still re-attributes history at once.
CREATE TABLE IF NOT EXISTS visitor_hours
(
    site_id String,
    visitor_id String,
    vid_hash UInt64,
    hour DateTime,
    events UInt64,
    pageviews UInt64,
    day Date,
    generation UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, hour);

-- 1 for a generation whose refresh wrote visitor_hours too: days refreshed before this migration have none, and are
-- read from the events until their next refresh.
ALTER TABLE session_days ADD COLUMN hours UInt8 DEFAULT 0;

-- Marks every stored day, so that the refresh recomputes them with their visitor hours (a few seconds per million events).
INSERT INTO session_dirty_days (site_id, day) SELECT site_id, day FROM session_days GROUP BY site_id, day
