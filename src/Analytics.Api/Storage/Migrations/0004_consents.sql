-- Consent proof: every grant or withdrawal, append-only, never updated.
-- The IP is stored truncated (IPv4 /24, IPv6 /48): enough to show where a decision came from, not who.
CREATE TABLE IF NOT EXISTS consents
(
    consent_id UUID,
    site_id String,
    received_at DateTime,
    vid String,
    analytics UInt8,
    marketing UInt8,
    policy_version String,
    source String,
    ip_truncated String,
    user_agent String
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (site_id, received_at)
