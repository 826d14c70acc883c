-- Imports as records: every import started from the web page or the API is a run, which its owner
-- member reads while it goes (live counters in the process that runs it) and after (the final state
-- written here), and the reports an import writes carry the run's id. Column mappings of a member's
-- own spreadsheets are saved per member and reused. Both tables are the owner member's alone: no
-- audience, so row-level security is owner-only for every command.

CREATE TABLE report_import_runs (
  id           uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  owner        text NOT NULL REFERENCES members (code),
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  file_name    text NOT NULL CHECK (length(file_name) <= 255),
  format       text NOT NULL CHECK (format IN ('lintas', 'missing-migrants', 'mapped')),
  dry_run      boolean NOT NULL,
  status       text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- The data rows of the file, counted before the import starts (for the progress bar).
  rows_total   int,
  rows_read    int NOT NULL DEFAULT 0,
  rows_written int NOT NULL DEFAULT 0,
  error_count  int NOT NULL DEFAULT 0,
  -- The import's result (ImportResult) once done, or once refused for bad rows.
  result       jsonb,
  -- Why it failed: the problem's title and detail.
  problem      jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX report_import_runs_owner ON report_import_runs (owner, created_at DESC);
ALTER TABLE report_import_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_import_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY report_import_runs_owner ON report_import_runs
  USING (owner = (SELECT current_setting('lintas.member', true)))
  WITH CHECK (owner = (SELECT current_setting('lintas.member', true)));
REVOKE ALL ON report_import_runs FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON report_import_runs TO lintas_app;

-- The run that last wrote the report (inserted it, or rewrote it from a changed row). No foreign key:
-- runs are never deleted, and a check per inserted row would slow the bulk insert for nothing.
ALTER TABLE reports ADD COLUMN import_id uuid;
CREATE INDEX reports_import_id ON reports (import_id) WHERE import_id IS NOT NULL;

CREATE TABLE report_import_mappings (
  id         uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  owner      text NOT NULL REFERENCES members (code),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  mapping    jsonb NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner, name)
);
ALTER TABLE report_import_mappings ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_import_mappings FORCE ROW LEVEL SECURITY;
CREATE POLICY report_import_mappings_owner ON report_import_mappings
  USING (owner = (SELECT current_setting('lintas.member', true)))
  WITH CHECK (owner = (SELECT current_setting('lintas.member', true)));
REVOKE ALL ON report_import_mappings FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON report_import_mappings TO lintas_app;
