-- Value sets of a stored session (docs/sessions.md "Value sets"): the distinct combinations of the event dimensions
-- among its events (SessionSql.EventFactColumns joined by the unit separator) and the paths of its pageviews in order.
-- Breakdowns by an event dimension, paths and transitions read these instead of matching every event of the range to
-- its session. Rows stored before this migration have empty sets, so every stored day is marked dirty: it is computed at
-- query time until the refresh has stored it again, with its sets.
ALTER TABLE sessions ADD COLUMN fact_sets Array(String);

ALTER TABLE sessions ADD COLUMN page_sequence Array(String);

INSERT INTO session_dirty_days (site_id, day) SELECT site_id, day FROM session_days GROUP BY site_id, day
