-- The query parameters a site's page URLs keep besides utm_* and click ids (Ingestion/UrlPrivacy.cs).
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: SchemaMigrations takes "already exists" as applied.
ALTER TABLE sites ADD COLUMN query_params Array(String)
