-- The regional release (DESIGN.md §3, rule 6 as rewritten).
--
-- Until now the dashboard and the summary added, on demand and under any filter the viewer chose,
-- the figures of regional reports the viewer may not see (read through definer functions). Two
-- such answers could always be chosen to differ by one hidden report, so its figures came back by
-- subtraction. Records a viewer cannot see now reach it only through fixed tables that a job
-- computes when a period closes and on a schedule (src/modules/reports/release/), the same for
-- every viewer, with thresholds and cell-key noise. Analysis on demand covers only what the
-- viewer may see, so the functions that returned hidden figures go.

DROP FUNCTION lintas_report_hidden_cells(jsonb);
DROP FUNCTION lintas_report_fact_hidden_cells(jsonb);
DROP FUNCTION lintas_report_fact_hidden_classes();

-- Fee cells over what the viewer may see only, as the caller (row-level security applies).
CREATE OR REPLACE FUNCTION lintas_report_fee_cells(spec jsonb) RETURNS SETOF lintas_report_cell
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public AS $$
BEGIN
  RETURN QUERY EXECUTE lintas_report_cells_sql(jsonb_set(spec, '{fees}', 'true'), 'visible') USING spec;
END
$$;
CREATE OR REPLACE FUNCTION lintas_report_fact_fee_cells(spec jsonb) RETURNS SETOF lintas_report_cell
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public SET jit = off SET work_mem = '64MB' AS $$
BEGIN
  RETURN QUERY EXECUTE lintas_report_fact_cells_sql(jsonb_set(spec, '{fees}', 'true'), 'visible') USING spec;
END
$$;

-- Each record's fixed random key (the cell-key method): a cell's noise is drawn from fixed tables
-- indexed by the sum of its records' keys, so a cell never changes while its records do not. The
-- keys are the job's secret: the application role has no grant on this table.
CREATE TABLE report_release_keys (
  report_id uuid PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
  cell_key  bigint NOT NULL CHECK (cell_key >= 0 AND cell_key < 4294967296)
);
REVOKE ALL ON report_release_keys FROM PUBLIC, lintas_app;

-- One row a release. Which owners entered it and how many records are the job's and the audit
-- trail's; the application role reads only when and what period it covers.
CREATE TABLE report_releases (
  id          uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  computed_at timestamptz NOT NULL DEFAULT now(),
  -- When the job last found the records unchanged since this release.
  checked_at  timestamptz NOT NULL DEFAULT now(),
  -- The first day after the periods it covers: every month, quarter and year that ended before it.
  cutoff      date NOT NULL,
  reason      text NOT NULL CHECK (reason IN ('period-closed', 'scheduled', 'operator')),
  digest      text NOT NULL,
  records     int NOT NULL,
  owners      text[] NOT NULL
);
CREATE INDEX report_releases_computed ON report_releases (computed_at DESC);
REVOKE ALL ON report_releases FROM PUBLIC;
GRANT SELECT (id, computed_at, cutoff, reason) ON report_releases TO lintas_app;

-- The cells shown: only those that pass the thresholds are stored at all, so a withheld cell is
-- absent exactly like a cell with no records. `published` marks the cells that also pass k = 11.
-- Figures are the perturbed ones; the true figures are never stored.
CREATE TABLE report_release_cells (
  release_id uuid NOT NULL REFERENCES report_releases (id) ON DELETE CASCADE,
  tbl        text NOT NULL,
  period     text NOT NULL,
  key1       text NOT NULL DEFAULT '',
  key2       text NOT NULL DEFAULT '',
  published  boolean NOT NULL,
  reports    int NOT NULL,
  figures    jsonb NOT NULL,
  fee_mean   float8,
  PRIMARY KEY (release_id, tbl, period, key1, key2)
);
REVOKE ALL ON report_release_cells FROM PUBLIC;
GRANT SELECT ON report_release_cells TO lintas_app;

-- Which of its records entered which release: each owner reads its own row only.
CREATE TABLE report_release_records (
  release_id uuid NOT NULL REFERENCES report_releases (id) ON DELETE CASCADE,
  owner      text NOT NULL REFERENCES members (code),
  reports    uuid[] NOT NULL,
  PRIMARY KEY (release_id, owner)
);
ALTER TABLE report_release_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_release_records FORCE ROW LEVEL SECURITY;
CREATE POLICY report_release_records_owner ON report_release_records FOR SELECT
  USING (owner = (SELECT current_setting('lintas.member', true)));
REVOKE ALL ON report_release_records FROM PUBLIC;
GRANT SELECT ON report_release_records TO lintas_app;
