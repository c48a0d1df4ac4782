-- CRM imports (POST /api/crm/customers|orders|contacts): upserted by id. ReplacingMergeTree keeps, per
-- (site_id, id), the row with the highest `version` (an import sequence, see Crm/CrmVersion.cs); reads use FINAL.
-- No PARTITION BY: FINAL replaces only within a partition, and an upsert may change any time column.
CREATE TABLE IF NOT EXISTS customers
(
    site_id String,
    customer_id String,
    email String,
    name String,
    segment String,
    created_at DateTime,
    attribute_keys Array(String),
    attribute_values Array(String),
    marketing_consent UInt8,
    marketing_consent_at DateTime,
    visitor_ids Array(String),
    imported_at DateTime,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, customer_id);

-- Orders from the CRM; items as parallel arrays (item i is item_sku[i], item_name[i], …).
-- status 'returned' removes the order from revenue (Crm/OrdersSql.cs).
CREATE TABLE IF NOT EXISTS orders
(
    site_id String,
    order_id String,
    customer_id String,
    ts DateTime,
    revenue Float64,
    currency String,
    cost_of_goods Float64,
    has_cost_of_goods UInt8,
    item_sku Array(String),
    item_name Array(String),
    item_category Array(String),
    item_quantity Array(Float64),
    item_price Array(Float64),
    status String,
    imported_at DateTime,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, order_id);

-- The contact history outside the website: service, sales, complaints, campaigns.
CREATE TABLE IF NOT EXISTS contacts
(
    site_id String,
    contact_id String,
    customer_id String,
    ts DateTime,
    channel String,
    direction String,
    kind String,
    subject String,
    outcome String,
    cost Float64,
    imported_at DateTime,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, contact_id)
