-- Inserts cost less: new rows get time-ordered ids, shareable tables lose the GIN indexes on their
-- audience arrays, and reports keep one index on (owner, status) where they had (owner) and
-- (status, owner).
--
-- 0. Ids were random (gen_random_uuid()), so each insert went to a random page of the primary key:
--    past the server's buffer cache (a million reports' key is 40-90 MB) every row of an import
--    read and dirtied its own index page. lintas_uuid_v7() is a UUID of version 7 (RFC 9562): the
--    first 48 bits are the time in milliseconds, the rest random as before, so new rows go to the
--    right edge of the key. Inserting 100,000 reports into 1,000,000 took 30% less of the server's
--    CPU. The id tells when the row was made, which created_at already tells anyone who may see
--    the row. Every table whose id defaulted to gen_random_uuid() now defaults to it; new tables
--    use it too.
--
-- 1. No plan used the audience indexes. The sharing rule is an OR whose arm "shared with all
--    members" no index serves, so PostgreSQL cannot combine index scans for the rule (a BitmapOr
--    needs every arm indexed): it walks another index (date, owner, number) and filters each row by
--    the whole condition. No query filters on an audience array alone. Yet every insert into a
--    shareable table paid for both indexes, an empty array included (GIN stores an entry for it):
--    about a fifth of the reports import's index work. A capability that one day asks "what was
--    shared with my member by name" adds the index it needs then.
-- 2. reports_owner (owner) and reports_status_owner (status, owner): the owner's lists and the
--    reciprocity check (owner = ? AND status IN (...)) are served by (owner, status); lists by status
--    alone by reports_analysis (status, occurred_from). One index instead of two on every insert.

CREATE FUNCTION lintas_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  -- A random UUID with its first six bytes replaced by the Unix time in milliseconds and its
  -- version nibble turned from 4 (0100) to 7 (0111); the variant bits stay.
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;
GRANT EXECUTE ON FUNCTION lintas_uuid_v7() TO lintas_app;

DO $$
DECLARE
  d record;
BEGIN
  FOR d IN
    SELECT a.adrelid::regclass AS tab, c.attname
    FROM pg_attrdef a JOIN pg_attribute c ON c.attrelid = a.adrelid AND c.attnum = a.adnum
    WHERE pg_get_expr(a.adbin, a.adrelid) = 'gen_random_uuid()'
  LOOP
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT lintas_uuid_v7()', d.tab, d.attname);
  END LOOP;
END
$$;

DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN SELECT format('%I.%I', schemaname, tablename)::regclass FROM pg_policies WHERE policyname = 'lintas_see' LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I', replace(t::text, '.', '_') || '_audience_members');
    EXECUTE format('DROP INDEX IF EXISTS %I', replace(t::text, '.', '_') || '_audience_groups');
  END LOOP;
END
$$;

DROP INDEX reports_owner;
DROP INDEX reports_status_owner;
CREATE INDEX reports_owner_status ON reports (owner, status);

CREATE OR REPLACE FUNCTION lintas_make_shareable(target regclass) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  t text := target::text;
BEGIN
  EXECUTE format($f$
    ALTER TABLE %1$s
      ADD COLUMN owner text NOT NULL REFERENCES members (code),
      ADD COLUMN audience_kind text NOT NULL DEFAULT 'owner' CHECK (audience_kind IN ('owner', 'members', 'groups', 'all')),
      ADD COLUMN audience_members text[] NOT NULL DEFAULT '{}',
      ADD COLUMN audience_groups text[] NOT NULL DEFAULT '{}',
      ADD COLUMN tlp text NOT NULL DEFAULT 'AMBER' CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
      ADD COLUMN handling text[] NOT NULL DEFAULT '{}' CHECK (handling <@ ARRAY['H0', 'H1', 'H2', 'H3']),
      ADD COLUMN handling_note text CHECK (length(handling_note) <= 1000),
      ADD COLUMN evaluation_source text CHECK (evaluation_source IN ('A', 'B', 'C', 'X')),
      ADD COLUMN evaluation_information text CHECK (evaluation_information IN ('1', '2', '3', '4')),
      ADD CONSTRAINT %2$I CHECK (
        (audience_kind = 'members') = (cardinality(audience_members) > 0)
        AND (audience_kind = 'groups') = (cardinality(audience_groups) > 0)
        AND (tlp <> 'RED' OR audience_kind IN ('owner', 'members'))
        AND (('H3' = ANY (handling)) = (handling_note IS NOT NULL))
      )
  $f$, t, replace(t, '.', '_') || '_sharing');
  EXECUTE format('CREATE INDEX %I ON %s (owner)', replace(t, '.', '_') || '_owner', t);
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY lintas_see ON %s FOR SELECT USING (%s)', t, lintas_visible_sql());
  EXECUTE format('CREATE POLICY lintas_add ON %s FOR INSERT WITH CHECK (owner = current_setting(%L, true))', t, 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_change ON %s FOR UPDATE USING (owner = current_setting(%L, true)) WITH CHECK (owner = current_setting(%L, true))', t, 'lintas.member', 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_remove ON %s FOR DELETE USING (owner = current_setting(%L, true))', t, 'lintas.member');
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO lintas_app', t);
END
$fn$;
