-- Retention (src/modules/linkage/retention.ts) finds the leads unchanged the longest and the oldest
-- disclosures.
CREATE INDEX linkage_leads_updated ON linkage_leads (updated_at);
CREATE INDEX linkage_disclosures_created ON linkage_disclosures (created_at);
