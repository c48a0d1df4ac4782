-- Shopping sets of a stored session (docs/sessions.md "Shopping sets"): the distinct products of its product views with the
-- time of each first view, and the order id and time of each of its purchase events. The affinity report reads these
-- instead of matching every shopping event of its range to its session. Rows stored before this migration have empty
-- sets, so every stored day is marked dirty: it is computed at query time until the refresh has stored it again.
ALTER TABLE sessions ADD COLUMN view_products Array(String);

ALTER TABLE sessions ADD COLUMN view_ms Array(UInt64);

ALTER TABLE sessions ADD COLUMN purchase_orders Array(String);

ALTER TABLE sessions ADD COLUMN purchase_ms Array(UInt64);

INSERT INTO session_dirty_days (site_id, day) SELECT site_id, day FROM session_days GROUP BY site_id, day
