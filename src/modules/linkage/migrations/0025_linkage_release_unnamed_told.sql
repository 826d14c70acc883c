-- Linkage's regional release (DESIGN.md §3, rule 6): figures about entity values, links and hit
-- notices over records a viewer cannot see reach it only through fixed tables that a job computes
-- when a month closes and on a schedule (src/modules/linkage/release.ts), the same for every
-- viewer, with the platform's thresholds and cell-key noise (src/platform/release/).

-- Each entity row's and notice's fixed random key (the cell-key method): a cell's noise is drawn
-- from fixed tables indexed by the sum of its records' keys, so a cell never changes while its
-- records do not. The keys are the job's secret: the application role has no grant on this table.
CREATE TABLE linkage_release_keys (
  object_id uuid PRIMARY KEY,
  cell_key  bigint NOT NULL CHECK (cell_key >= 0 AND cell_key < 4294967296)
);
REVOKE ALL ON linkage_release_keys FROM PUBLIC, lintas_app;

-- One row a release. Which owners entered it is the job's and the audit trail's; the application
-- role reads only when it was computed and what period it covers.
CREATE TABLE linkage_releases (
  id          uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  computed_at timestamptz NOT NULL DEFAULT now(),
  -- When the job last found the records unchanged since this release.
  checked_at  timestamptz NOT NULL DEFAULT now(),
  -- The first day after the periods it covers: every month, quarter and year that ended before it.
  cutoff      date NOT NULL,
  reason      text NOT NULL CHECK (reason IN ('period-closed', 'scheduled', 'operator')),
  digest      text NOT NULL,
  records     bigint NOT NULL,
  owners      text[] NOT NULL
);
CREATE INDEX linkage_releases_computed ON linkage_releases (computed_at DESC);
REVOKE ALL ON linkage_releases FROM PUBLIC;
GRANT SELECT (id, computed_at, cutoff, reason) ON linkage_releases TO lintas_app;

-- The cells shown: only those that pass the thresholds are stored at all, so a withheld cell is
-- absent exactly like a cell with no records. `published` marks the cells that also pass k = 11.
-- Counts are the perturbed ones; the true counts are never stored.
CREATE TABLE linkage_release_cells (
  release_id uuid NOT NULL REFERENCES linkage_releases (id) ON DELETE CASCADE,
  tbl        text NOT NULL,
  period     text NOT NULL,
  key1       text NOT NULL DEFAULT '',
  key2       text NOT NULL DEFAULT '',
  published  boolean NOT NULL,
  count      int NOT NULL,
  PRIMARY KEY (release_id, tbl, period, key1, key2)
);
REVOKE ALL ON linkage_release_cells FROM PUBLIC;
GRANT SELECT ON linkage_release_cells TO lintas_app;

-- A member that stays unnamed for a record ("another member") stays unnamed on both sides of a
-- notice: as the holder, to the member told; and as the member told, to the holder, who otherwise
-- learnt from the notice it was given that this member holds the value (found by the fishing test).
ALTER TABLE linkage_notices ADD COLUMN told_named boolean NOT NULL DEFAULT true;
