-- Free text of survey answers (issue 19), stored apart from the events: only with analytics consent, never read by
-- reports; the 360-degree view shows a customer's own. Personal data (PersonalDataRegistry): erasure, export and
-- retention reach it by vid and customer_id. event_id is the survey_answer event's, so a text joins its answer.
CREATE TABLE IF NOT EXISTS survey_texts
(
    event_id UUID,
    site_id String,
    ts DateTime,
    vid String,
    customer_id String,
    survey String,
    question String,
    text String
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, vid, ts)
