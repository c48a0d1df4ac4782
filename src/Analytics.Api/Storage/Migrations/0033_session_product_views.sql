-- Product views per stored day (docs/sessions.md "Product views per day"): per (site, UTC day, generation of the stored
-- sessions) the number of the day's stored sessions that viewed each product, and under product '' the number of its
-- sessions. Written by the session refresh beside each day's sessions. The affinity report adds these up for the whole
-- days of its range instead of reading every session's views; a day counts only while its stored sessions still number
-- what was counted (an erasure deletes some), else its sessions are read.
CREATE TABLE IF NOT EXISTS session_product_views
(
    site_id String,
    day Date,
    generation UInt64,
    product String,
    sessions UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, generation, product);

-- The days stored before this migration, counted from their rows as they are now (superseded generations too: the
-- refresh's cleanup deletes those with the sessions).
INSERT INTO session_product_views (site_id, day, generation, product, sessions)
SELECT site_id, day, generation, product, count()
FROM sessions
ARRAY JOIN arrayConcat([''], view_products) AS product
GROUP BY site_id, day, generation, product
