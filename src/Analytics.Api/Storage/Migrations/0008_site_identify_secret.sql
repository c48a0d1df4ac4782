-- Signed identify: a site's secret for hex(HMAC-SHA256(secret, customer_id)); empty = identifies need no signature.
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: SchemaMigrations takes "already exists" as applied.
ALTER TABLE sites ADD COLUMN identify_secret String
