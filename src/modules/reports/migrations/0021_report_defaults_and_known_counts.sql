-- Reports: which counts a report gives, and each member's default sharing for its new reports.
--
-- The outcome and law-enforcement counts are NOT NULL (0 when not given) because the analysis sums
-- them (0004, 0006, 0017): a blank count and a count of 0 were the same. `counts_given` lists the
-- counts the report gave (their input names: intercepted … claimedAsylum, arrests … convictions), so
-- the record shows a blank as unknown while the aggregates keep summing as before. NULL: a report
-- written before this migration, where every count is taken as given.
ALTER TABLE reports ADD COLUMN counts_given text[];

-- A member's default sharing for a new report (audience, TLP, handling, evaluation as the API's
-- `Sharing`) and whether it counts towards regional aggregates. The member's own alone: no one else
-- learns it, so row-level security is owner-only for every command.
CREATE TABLE report_defaults (
  member             text PRIMARY KEY REFERENCES members (code),
  sharing            jsonb NOT NULL,
  counts_in_regional boolean NOT NULL,
  updated_by         uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE report_defaults ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_defaults FORCE ROW LEVEL SECURITY;
CREATE POLICY report_defaults_owner ON report_defaults
  USING (member = (SELECT current_setting('lintas.member', true)))
  WITH CHECK (member = (SELECT current_setting('lintas.member', true)));
REVOKE ALL ON report_defaults FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON report_defaults TO lintas_app;
