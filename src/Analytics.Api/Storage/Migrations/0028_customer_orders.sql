-- Every order of a site with its customer, stored (docs/customers.md "Stored customer orders"): the rows of
-- Customers/CustomerOrdersSql.All (CRM orders and tracker purchases deduplicated, each resolved to its customer through
-- the identity links), written as one snapshot per site and version of its inputs (orders, purchase_events,
-- identity_links). A/B/C, RFM, value, frequency and segments read a snapshot while its inputs are unchanged, and
-- the query it was built from otherwise: reading the orders and resolving them took 0.65–1.35 s a read at 10 M
-- events, and a report read them up to three times. Personal data: erasure and retention walk it (PersonalDataRegistry).
CREATE TABLE IF NOT EXISTS customer_orders
(
    site_id String,
    snapshot Int64,
    order_id String,
    customer_id String,
    vid String,
    ts DateTime,
    revenue Float64,
    currency String,
    cost_of_goods Float64,
    has_cost_of_goods UInt8,
    returned UInt8,
    source String
)
ENGINE = MergeTree()
ORDER BY (site_id, snapshot, ts);

-- Which snapshot of customer_orders holds a site's orders at which version of the inputs; written after the snapshot's
-- rows, so a snapshot named here is complete. built_ms: milliseconds, as builds of a small site follow each other within a second.
CREATE TABLE IF NOT EXISTS customer_order_snapshots
(
    site_id String,
    snapshot Int64,
    version String,
    built_ms UInt64
)
ENGINE = MergeTree()
ORDER BY (site_id, snapshot);
