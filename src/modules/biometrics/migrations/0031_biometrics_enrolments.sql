-- Bulk enrolment: a ZIP archive of face images with a CSV naming each image's subject, enrolled in
-- the background one image at a time, each enrolled subject in a transaction of its own. A run
-- keeps its progress and every row it did not enrol, with why, so its owner can read the report
-- later. Runs and their rejections are their member's alone, as its gallery is: row-level security
-- owner-only for every command.

CREATE TABLE biometric_enrolment_runs (
  id           uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  owner        text NOT NULL REFERENCES members (code),
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  -- The CSV's name inside the archive.
  csv_name     text NOT NULL CHECK (length(csv_name) BETWEEN 1 AND 1000),
  format       text NOT NULL CHECK (length(format) BETWEEN 1 AND 60),
  -- The retention day of rows that give none (none: the gallery's default).
  retain_until date,
  status       text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'interrupted')),
  -- The CSV's data rows; processed = enrolled + rejected, each counted in the transaction that settled its row.
  total        int NOT NULL CHECK (total >= 0),
  processed    int NOT NULL DEFAULT 0,
  enrolled     int NOT NULL DEFAULT 0,
  rejected     int NOT NULL DEFAULT 0,
  -- Why the run stopped, when it failed or was interrupted: the problem's status, title and detail.
  problem      jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- Touched with every row settled: a run still queued or running that stopped moving was left by a process that stopped.
  updated_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  CHECK (processed = enrolled + rejected AND processed <= total)
);
CREATE INDEX biometric_enrolment_runs_owner ON biometric_enrolment_runs (owner, created_at DESC);
CREATE INDEX biometric_enrolment_runs_finished ON biometric_enrolment_runs (finished_at);
ALTER TABLE biometric_enrolment_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE biometric_enrolment_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_own ON biometric_enrolment_runs FOR ALL
  USING (owner = (SELECT current_setting('lintas.member', true))) WITH CHECK (owner = (SELECT current_setting('lintas.member', true)));
REVOKE ALL ON biometric_enrolment_runs FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON biometric_enrolment_runs TO lintas_app;

-- A row of a run's CSV that was not enrolled, and why (codes: ENROLMENT_REJECTIONS in codes.ts).
CREATE TABLE biometric_enrolment_rejections (
  run_id      uuid NOT NULL REFERENCES biometric_enrolment_runs (id) ON DELETE CASCADE,
  owner       text NOT NULL REFERENCES members (code),
  -- The row as a spreadsheet numbers it (the header is row 1).
  csv_row     int NOT NULL CHECK (csv_row >= 2),
  -- The image's name and the reference as the row gives them (none when the cell is empty).
  file        text CHECK (length(file) <= 1000),
  reference   text CHECK (length(reference) <= 1000),
  reason      text NOT NULL CHECK (reason IN ('invalid-row', 'duplicate-reference', 'missing-file', 'reference-taken', 'damaged-file', 'reader-busy',
                'too-large', 'not-an-image', 'decompression-bomb', 'too-small', 'no-face', 'several-faces', 'face-too-small')),
  -- For a bad value: its column, and what is wrong with it (the server's words).
  csv_column  text CHECK (length(csv_column) <= 100),
  detail      text CHECK (length(detail) <= 2000),
  PRIMARY KEY (run_id, csv_row)
);
ALTER TABLE biometric_enrolment_rejections ENABLE ROW LEVEL SECURITY;
ALTER TABLE biometric_enrolment_rejections FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_own ON biometric_enrolment_rejections FOR ALL
  USING (owner = (SELECT current_setting('lintas.member', true))) WITH CHECK (owner = (SELECT current_setting('lintas.member', true)));
REVOKE ALL ON biometric_enrolment_rejections FROM PUBLIC;
GRANT SELECT, INSERT ON biometric_enrolment_rejections TO lintas_app;
