-- Step two for every entity source (src/platform/entity-sources.ts, `disclosable`): a disclosure names
-- the module and record type of the holder's record, so both sides read its fields with the labels
-- that record type's source gives. Disclosures written before were of leads.
ALTER TABLE linkage_disclosures
  ADD COLUMN module text NOT NULL DEFAULT 'linkage' CHECK (module ~ '^[a-z][a-z0-9-]*$'),
  ADD COLUMN record_type text NOT NULL DEFAULT 'lead' CHECK (record_type ~ '^[a-z][a-z0-9-]*$');
ALTER TABLE linkage_disclosures ALTER COLUMN module DROP DEFAULT, ALTER COLUMN record_type DROP DEFAULT;
