-- Reports: what the in-memory analysis store (src/modules/reports/fact-store.ts) follows.
--
-- The dashboard aggregates every shared report for each request. Read from `report_facts` (0006)
-- that is seven scans of about a million rows at the region's scale, seconds per answer; the store
-- holds the same facts in the server's memory, in columns, and aggregates them in milliseconds. The
-- database stays the only truth and the only judge of who sees what:
--
-- * The store is loaded and kept up to date by the schema owner only, from `report_facts` and from
--   the change log below; the application role can read neither the log nor the version.
-- * Which facts a viewer may count as visible, and which only as hidden regional contributions, is
--   decided per request by the database: the visible access classes are read as the application
--   role from `report_fact_classes` (row-level security and reciprocity apply, and the query layer
--   adds its own condition), the hidden ones through a definer function that returns classes only.
--   The store never decides visibility itself; it adds up the facts of the classes it is given.
--
-- Change log: every statement that changes shared reports bumps `report_fact_version` (one row, so
-- such transactions take their versions in commit order) and writes, under that version, which
-- reports left the facts and the fact rows that came in. A store at version v that reads version w
-- replays the log entries of versions v+1..w; none can be missing, since a version commits with its
-- entries. Entries are pruned after a while; a store further behind reloads everything.

CREATE TABLE report_fact_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version   bigint NOT NULL
);
INSERT INTO report_fact_version VALUES (true, 0);

CREATE TABLE report_fact_log (
  seq       bigserial PRIMARY KEY,
  version   bigint NOT NULL,
  logged_at timestamptz NOT NULL DEFAULT now(),
  -- NULL: every fact may have changed (a rebuild); read them all again.
  report_id uuid,
  -- The report's fact row after the change (as report_facts holds it); NULL: it left the facts.
  fact      jsonb
);
CREATE INDEX report_fact_log_version ON report_fact_log (version);
REVOKE ALL ON report_fact_version, report_fact_log FROM PUBLIC;

-- The access classes of the facts: every distinct (owner, audience, counts in regional) a shared
-- report has had. Shareable like the facts themselves, with the same reciprocity, so the
-- application role reads exactly the classes whose facts it may see. Classes are only added
-- (a class without facts counts for nothing).
CREATE TABLE report_fact_classes (
  counts_in_regional boolean NOT NULL
);
SELECT lintas_make_shareable('report_fact_classes');
REVOKE INSERT, UPDATE, DELETE ON report_fact_classes FROM lintas_app;
CREATE UNIQUE INDEX report_fact_classes_key ON report_fact_classes (owner, audience_kind, audience_members, audience_groups, counts_in_regional);
CREATE POLICY report_fact_classes_reciprocity ON report_fact_classes AS RESTRICTIVE FOR SELECT
  USING (owner = current_setting('lintas.member', true) OR (SELECT lintas_reports_contributor()));
INSERT INTO report_fact_classes (owner, audience_kind, audience_members, audience_groups, counts_in_regional)
  SELECT DISTINCT owner, audience_kind, audience_members, audience_groups, counts_in_regional FROM report_facts;

-- Writes the log for one statement on `reports` (after the row triggers of 0006 kept report_facts).
CREATE FUNCTION lintas_report_fact_log_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  gone uuid[];
  came uuid[];
  next bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(id) INTO came FROM new_rows WHERE status = 'shared';
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(id) INTO gone FROM old_rows WHERE status = 'shared';
    SELECT array_agg(id) INTO came FROM new_rows WHERE status = 'shared';
  ELSE
    SELECT array_agg(id) INTO gone FROM old_rows WHERE status = 'shared';
  END IF;
  IF gone IS NULL AND came IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE report_fact_version SET version = version + 1 RETURNING version INTO next;
  INSERT INTO report_fact_log (version, report_id, fact) SELECT next, id, NULL FROM unnest(gone) AS g(id);
  INSERT INTO report_fact_log (version, report_id, fact)
    SELECT next, f.report_id, to_jsonb(f) FROM report_facts f WHERE f.report_id = ANY (came);
  INSERT INTO report_fact_classes (owner, audience_kind, audience_members, audience_groups, counts_in_regional)
    SELECT DISTINCT owner, audience_kind, audience_members, audience_groups, counts_in_regional FROM report_facts WHERE report_id = ANY (came)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION lintas_report_fact_log_write() FROM PUBLIC;

CREATE TRIGGER reports_fact_log_insert AFTER INSERT ON reports REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lintas_report_fact_log_write();
CREATE TRIGGER reports_fact_log_update AFTER UPDATE ON reports REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lintas_report_fact_log_write();
CREATE TRIGGER reports_fact_log_delete AFTER DELETE ON reports REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lintas_report_fact_log_write();

-- The rebuild (0006) now also tells the stores to reload, and records the classes.
CREATE OR REPLACE FUNCTION lintas_report_facts_rebuild() RETURNS bigint
LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  written bigint;
  next bigint;
BEGIN
  DELETE FROM report_facts;
  INSERT INTO report_facts SELECT * FROM report_fact_rows;
  GET DIAGNOSTICS written = ROW_COUNT;
  INSERT INTO report_fact_classes (owner, audience_kind, audience_members, audience_groups, counts_in_regional)
    SELECT DISTINCT owner, audience_kind, audience_members, audience_groups, counts_in_regional FROM report_facts
    ON CONFLICT DO NOTHING;
  UPDATE report_fact_version SET version = version + 1 RETURNING version INTO next;
  INSERT INTO report_fact_log (version, report_id, fact) VALUES (next, NULL, NULL);
  RETURN written;
END
$$;
REVOKE ALL ON FUNCTION lintas_report_facts_rebuild() FROM PUBLIC;

-- The classes whose facts count for the viewer as hidden regional contributions: marked to count in
-- regional aggregates, and not visible to the viewer (the rule as 0006 restates it for the hidden
-- cells). Classes only, never facts.
CREATE FUNCTION lintas_report_fact_hidden_classes()
RETURNS TABLE (owner text, audience_kind text, audience_members text[], audience_groups text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  member text := current_setting('lintas.member', true);
  contributor boolean := lintas_reports_contributor();
  full_member boolean := lintas_member_is_full();
  groups text[] := lintas_member_groups();
BEGIN
  RETURN QUERY
    SELECT c.owner, c.audience_kind, c.audience_members, c.audience_groups FROM report_fact_classes c
    WHERE c.counts_in_regional
      AND NOT (member IS NOT NULL AND member <> '' AND (
        c.owner = member
        OR (contributor AND (
          (full_member AND c.audience_kind = 'all')
          OR c.audience_members @> ARRAY[member]
          OR c.audience_groups && groups))));
END
$$;
REVOKE ALL ON FUNCTION lintas_report_fact_hidden_classes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_report_fact_hidden_classes() TO lintas_app;
