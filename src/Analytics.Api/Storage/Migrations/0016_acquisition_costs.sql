-- Acquisition costs (POST /api/costs): marketing spend per site, day (the site's calendar day), channel and campaign
-- ('' = the channel's spend without a campaign). Upserted by (day, channel, campaign): the highest `version` wins
-- (Crm/CrmVersion.cs); reads use FINAL. No PARTITION BY, as for the CRM tables: FINAL replaces within a partition only.
CREATE TABLE IF NOT EXISTS acquisition_costs
(
    site_id String,
    day Date,
    channel String,
    campaign String,
    cost Float64,
    imported_at DateTime,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, day, channel, campaign)
