-- Identity links: a visitor id (a device) known to belong to a CRM customer. Written by identify events and
-- CRM imports (source 'identify' or 'crm'); never rewrites the events. A person is resolved at query time:
-- the customer of the visitor's latest link at or before an event, else of its earliest link (DESIGN.md).
CREATE TABLE IF NOT EXISTS identity_links
(
    link_id UUID,
    site_id String,
    visitor_id String,
    customer_id String,
    linked_at DateTime,
    source String
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(linked_at)
ORDER BY (site_id, visitor_id, linked_at)
