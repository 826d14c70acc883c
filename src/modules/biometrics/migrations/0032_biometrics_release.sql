-- Biometrics' regional release (DESIGN.md §3, rule 6): counts of searches, hits and step-two
-- decisions over other members reach a viewer only through fixed tables that a job computes when a
-- month closes and on a schedule (src/modules/biometrics/release.ts over
-- src/platform/release/count-release.ts), the same for every viewer, with the platform's
-- thresholds and cell-key noise.

-- What the release counts, added up as it happens: search records are deleted after their
-- agreement's keeping period, and the figures of a closed period must not shrink when they are.
-- One row per table, keys, month and member, holding how many records it counts and the sum of
-- their fixed random keys (the cell-key method needs no more). Nothing here names a search, a
-- subject or a probe. The application role cannot read it; it adds to it only through
-- biometric_tally, as the member its transaction acts for.
CREATE TABLE biometric_tallies (
  tbl     text NOT NULL,
  key1    text NOT NULL DEFAULT '',
  key2    text NOT NULL DEFAULT '',
  month   int NOT NULL,
  owner   text NOT NULL,
  records int NOT NULL,
  key_sum bigint NOT NULL CHECK (key_sum >= 0 AND key_sum < 4294967296),
  PRIMARY KEY (tbl, key1, key2, month, owner)
);
REVOKE ALL ON biometric_tallies FROM PUBLIC, lintas_app;

-- Counts one record of the acting member in a table's cell for this month, with a fresh random key.
CREATE FUNCTION biometric_tally(tbl text, key1 text, key2 text)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  me text := nullif(current_setting('lintas.member', true), '');
  k bigint := ('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))::bit(32)::bigint;
  m int := (extract(year FROM now() AT TIME ZONE 'UTC') * 12 + extract(month FROM now() AT TIME ZONE 'UTC') - 1)::int;
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'biometric_tally needs a member';
  END IF;
  INSERT INTO biometric_tallies AS t (tbl, key1, key2, month, owner, records, key_sum)
  VALUES (tbl, key1, key2, m, me, 1, k)
  ON CONFLICT ON CONSTRAINT biometric_tallies_pkey
  DO UPDATE SET records = t.records + 1, key_sum = (t.key_sum + excluded.key_sum) % 4294967296;
END $$;
REVOKE ALL ON FUNCTION biometric_tally(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION biometric_tally(text, text, text) TO lintas_app;

-- One row a release. Which owners entered it is the job's and the audit trail's; the application
-- role reads only when it was computed and what period it covers.
CREATE TABLE biometric_releases (
  id          uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  computed_at timestamptz NOT NULL DEFAULT now(),
  checked_at  timestamptz NOT NULL DEFAULT now(),
  cutoff      date NOT NULL,
  reason      text NOT NULL CHECK (reason IN ('period-closed', 'scheduled', 'operator')),
  digest      text NOT NULL,
  records     bigint NOT NULL,
  owners      text[] NOT NULL
);
CREATE INDEX biometric_releases_computed ON biometric_releases (computed_at DESC);
REVOKE ALL ON biometric_releases FROM PUBLIC;
GRANT SELECT (id, computed_at, cutoff, reason) ON biometric_releases TO lintas_app;

-- The cells shown: only those that pass the thresholds are stored at all, so a withheld cell is
-- absent exactly like a cell with no records. Counts are the perturbed ones.
CREATE TABLE biometric_release_cells (
  release_id uuid NOT NULL REFERENCES biometric_releases (id) ON DELETE CASCADE,
  tbl        text NOT NULL,
  period     text NOT NULL,
  key1       text NOT NULL DEFAULT '',
  key2       text NOT NULL DEFAULT '',
  published  boolean NOT NULL,
  count      int NOT NULL,
  PRIMARY KEY (release_id, tbl, period, key1, key2)
);
REVOKE ALL ON biometric_release_cells FROM PUBLIC;
GRANT SELECT ON biometric_release_cells TO lintas_app;
