-- Coordination groups (issue #26): a group past its end date is read-only, no longer invisible.
--
-- Until now a group whose ends_on had passed granted nothing: what had been shared with it vanished
-- from its members' view the day after. The Regional Immigration Liaison Officer Network's
-- coordination groups are thematic and time-limited, and their members must keep what the group
-- produced. So membership grants visibility whether or not the group has ended (DESIGN.md §3,
-- rule 1: "through a group the member belongs to"); what ending now means is enforced by the
-- application on writes: nothing new is shared with an ended group (validateSharing), and a
-- recipient whose only way to a record is an ended group cannot add to it (comments,
-- acknowledgements), and is not notified of it.
--
-- lintas_member_groups() (0001, 0008) and lintas_visible_sql() (0011) state the rule for the
-- database; both drop the end date, and every shareable table's lintas_see policy is written again
-- from the new text as 0011 did. Since 0011 some modules named their own policies lintas_see too
-- (rows hanging from a parent, hit notices, biometric searches): those have no sharing columns and
-- are left as they are, so the loop takes the policies that state the old rule (the only ones
-- that name ends_on). lintas_make_shareable (0012) reads lintas_visible_sql() when it runs, so
-- tables declared shareable from now on get the new policy too.
--
-- Groups also get a theme (what the group coordinates on, e.g. "scam centres"), optional.

CREATE OR REPLACE FUNCTION lintas_member_groups() RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN (
    SELECT coalesce(array_agg(gm.group_code), '{}')
    FROM group_members gm
    WHERE gm.member_code = current_setting('lintas.member', true));
END
$$;

CREATE OR REPLACE FUNCTION lintas_visible_sql() RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT $v$
    owner = (SELECT current_setting('lintas.member', true))
    OR (audience_kind = 'all' AND coalesce(
          (SELECT m.status = 'member' FROM public.members m WHERE m.code = current_setting('lintas.member', true)), false))
    OR audience_members @> ARRAY[(SELECT current_setting('lintas.member', true))]
    OR audience_groups && (
          SELECT coalesce(array_agg(gm.group_code), '{}')
          FROM public.group_members gm
          WHERE gm.member_code = current_setting('lintas.member', true))
  $v$
$f$;

DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN SELECT format('%I.%I', schemaname, tablename)::regclass FROM pg_policies WHERE policyname = 'lintas_see' AND qual LIKE '%ends_on%' LOOP
    EXECUTE format('ALTER POLICY lintas_see ON %s USING (%s)', t, lintas_visible_sql());
  END LOOP;
END
$$;

ALTER TABLE sharing_groups ADD COLUMN theme text CHECK (length(theme) BETWEEN 1 AND 200);
