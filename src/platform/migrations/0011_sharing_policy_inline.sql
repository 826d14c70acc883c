-- The sharing policy reads the member's standing and groups itself, in the query, instead of through
-- the two helper functions; audit rows of a few kilobytes stay in the table's own pages.
--
-- 1. Each query on a shareable table ran lintas_member_is_full() and lintas_member_groups() once (as
--    initplans). Each call is a SECURITY DEFINER PL/pgSQL function: the search_path is set and
--    restored, and the function runs its query through SPI. A library page's query took 130-140 µs
--    of the server's CPU with them, 115-120 µs with the same lookups written into the policy, and
--    85 µs with constants in their place (PostgreSQL 15, 4,000 read transactions each). The lookups
--    need no extra rights: the application role reads members, sharing_groups and group_members
--    (0001), none of which has row-level security. The tables are named with their schema, so the
--    policy means the same whatever the search_path; a policy is stored parsed, with its tables
--    resolved when it is created.
--    The member is read once per query too (an initplan, as report_facts already did in 0006),
--    not once per row.
--    lintas_member_is_full(), lintas_member_groups() and lintas_reports_contributor() stay for the
--    SQL functions that call them (0004, 0006, 0007) and for the restrictive policies on reports;
--    they state the same rule as lintas_visible_sql(), and a test holds the two to it.
--
-- 2. A library page's audit row names its 50 records (about 2.6 KB of JSON). Past about 2 KB a row
--    is compressed (lz4, 0010) and, when that does not bring it under 2 KB (identifiers do not
--    compress), its details go to the TOAST table: a second heap insert and an index insert on
--    every read. The row now stays whole in its page up to a page's size; larger rows (a flight
--    manifest's check, 25 KB) are compressed and moved out as before. The stored values, and so
--    the hash chain, are unchanged.

-- The condition of the lintas_see policy, as SQL text over the shareable table's columns: the one
-- statement of the sharing rule for the database wall.
CREATE FUNCTION lintas_visible_sql() RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT $v$
    owner = (SELECT current_setting('lintas.member', true))
    OR (audience_kind = 'all' AND coalesce(
          (SELECT m.status = 'member' FROM public.members m WHERE m.code = current_setting('lintas.member', true)), false))
    OR audience_members @> ARRAY[(SELECT current_setting('lintas.member', true))]
    OR audience_groups && (
          SELECT coalesce(array_agg(gm.group_code), '{}')
          FROM public.group_members gm JOIN public.sharing_groups g ON g.code = gm.group_code
          WHERE gm.member_code = current_setting('lintas.member', true)
            AND (g.ends_on IS NULL OR g.ends_on >= current_date))
  $v$
$f$;

-- Every shareable table's policy, and the tables declared shareable from now on.
DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN SELECT format('%I.%I', schemaname, tablename)::regclass FROM pg_policies WHERE policyname = 'lintas_see' LOOP
    EXECUTE format('ALTER POLICY lintas_see ON %s USING (%s)', t, lintas_visible_sql());
  END LOOP;
END
$$;

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
  EXECUTE format('CREATE INDEX %I ON %s USING gin (audience_members)', replace(t, '.', '_') || '_audience_members', t);
  EXECUTE format('CREATE INDEX %I ON %s USING gin (audience_groups)', replace(t, '.', '_') || '_audience_groups', t);
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY lintas_see ON %s FOR SELECT USING (%s)', t, lintas_visible_sql());
  EXECUTE format('CREATE POLICY lintas_add ON %s FOR INSERT WITH CHECK (owner = current_setting(%L, true))', t, 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_change ON %s FOR UPDATE USING (owner = current_setting(%L, true)) WITH CHECK (owner = current_setting(%L, true))', t, 'lintas.member', 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_remove ON %s FOR DELETE USING (owner = current_setting(%L, true))', t, 'lintas.member');
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO lintas_app', t);
END
$fn$;

ALTER TABLE audit_log SET (toast_tuple_target = 8160);
