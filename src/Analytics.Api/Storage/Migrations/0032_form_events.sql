-- The tracker's form events again (docs/reports.md "Forms"), as feedback_events (migration 0031) holds the survey
-- answers: the forms report read them from events (ORDER BY site_id, toDate(ts), vid, ts), where `type` is in no key,
-- so each of its three statements scanned every event of the range with its props arrays (1.4 s at 10 M events over
-- 28 days, 2.3× the floor). Filled by the materialized view below on every insert into events, and once from the
-- events already stored. Erasure and retention walk it like the events (PersonalDataRegistry); a column added to
-- events is added here and to the view too.
CREATE TABLE IF NOT EXISTS form_events
(
    event_id UUID,
    site_id String,
    received_at DateTime,
    ts DateTime,
    ts_ms UInt64,
    type String,
    name String,
    url String,
    hostname String,
    path String,
    referrer String,
    title String,
    vid String,
    sid String,
    customer_id String,
    order_id String,
    revenue Float64,
    currency String,
    consent_analytics UInt8,
    consent_marketing UInt8,
    props_keys Array(String),
    props_values Array(String),
    screen String,
    lang String,
    browser String,
    browser_version String,
    os String,
    os_version String,
    device String,
    device_family String,
    country String,
    region String,
    city String,
    channel String,
    source String,
    utm_source String,
    utm_medium String,
    utm_campaign String,
    utm_term String,
    utm_content String,
    is_bot UInt8,
    origin String
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, toDate(ts), vid, ts);

-- Columns by name, not SELECT *: both engines then insert exactly these into the copy. The WHERE is the view's only
-- condition, without parentheses (ClusterLayout rewrites its FROM).
CREATE MATERIALIZED VIEW IF NOT EXISTS form_events_mv TO form_events
AS SELECT
    event_id, site_id, received_at, ts, ts_ms, type, name, url, hostname, path, referrer, title, vid, sid,
    customer_id, order_id, revenue, currency, consent_analytics, consent_marketing, props_keys, props_values, screen,
    lang, browser, browser_version, os, os_version, device, device_family, country, region, city, channel, source,
    utm_source, utm_medium, utm_campaign, utm_term, utm_content, is_bot, origin
FROM events WHERE type = 'form_start' OR type = 'form_field' OR type = 'form_submit' OR type = 'form_abandon';

-- The form events stored before the view existed. Rows the view (or an earlier run of this statement, cut short before
-- the migration was recorded) has copied already are skipped, so that running it again copies nothing twice.
INSERT INTO form_events
SELECT
    event_id, site_id, received_at, ts, ts_ms, type, name, url, hostname, path, referrer, title, vid, sid,
    customer_id, order_id, revenue, currency, consent_analytics, consent_marketing, props_keys, props_values, screen,
    lang, browser, browser_version, os, os_version, device, device_family, country, region, city, channel, source,
    utm_source, utm_medium, utm_campaign, utm_term, utm_content, is_bot, origin
FROM events
WHERE type IN ('form_start', 'form_field', 'form_submit', 'form_abandon') AND event_id NOT IN (SELECT event_id FROM form_events)
