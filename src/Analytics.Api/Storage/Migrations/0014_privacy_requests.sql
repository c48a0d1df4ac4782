-- Data-subject requests (issue 18, docs/privacy.md "Requests"). One row per state change; the highest version wins
-- (reads use FINAL). The subject appears here only as a keyed pseudonym; its ids are in privacy_request_subjects.
CREATE TABLE IF NOT EXISTS privacy_requests
(
    request_id String,
    site_id String,
    type String,
    subject String,
    subject_key String,
    reference String,
    requested_by String,
    received_at DateTime,
    due_at DateTime,
    status String,
    tables String,
    error String,
    updated_at DateTime,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, request_id);

-- The ids of a request's subject: first the id asked for (resolved = 0), then every id resolved once for the run
-- (resolved = 1), so that a resumed erasure still knows the visitors after their links are gone. A personal table:
-- an erasure deletes these rows last, once every other table counts zero.
CREATE TABLE IF NOT EXISTS privacy_request_subjects
(
    request_id String,
    site_id String,
    customer_ids Array(String),
    visitor_ids Array(String),
    resolved UInt8,
    received_at DateTime
)
ENGINE = MergeTree()
ORDER BY (site_id, request_id);

-- Erased subjects as keyed pseudonyms (one row per id): the spool writers drop a row of an erased id dated at or
-- before its erasure, so a spool or dead letter replayed later cannot bring the subject back.
CREATE TABLE IF NOT EXISTS privacy_tombstones
(
    site_id String,
    subject String,
    erased_at DateTime,
    request_id String
)
ENGINE = MergeTree()
ORDER BY (site_id, subject)
