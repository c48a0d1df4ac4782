-- The privacy audit log (issue 18): append-only. The subject appears only as a keyed pseudonym (HMAC-SHA256 with
-- the installation's audit key), never as its id, so the log survives the subject's erasure without naming them.
CREATE TABLE IF NOT EXISTS privacy_audit
(
    audit_id UUID,
    site_id String,
    at DateTime,
    user_id String,
    role String,
    action String,
    request_id String,
    subject String,
    result String,
    detail String
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY (site_id, at, audit_id)
