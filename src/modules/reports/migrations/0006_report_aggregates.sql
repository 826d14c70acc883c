-- Reports: the note of a report returned to draft, and the regional-analysis aggregates.

-- A submitted report returned to draft carries the approver's note until it is submitted again; the
-- owner's users see it on the report (presenters.ts shows it to the owner only).
ALTER TABLE reports
  ADD COLUMN return_note text CHECK (length(return_note) <= 2000),
  ADD COLUMN returned_at timestamptz;

-- The analysis table ------------------------------------------------------------------------------
--
-- The regional analysis (migration 0004, src/modules/reports/analysis.ts) aggregates every shared
-- report for each dashboard request; read from `reports` (about 700 bytes a row with the route,
-- people and narrative) that is a scan of the whole wide table per aggregation. `report_facts` holds
-- what the aggregations read and nothing else, one narrow row per SHARED report (drafts, submitted
-- and withdrawn reports count nowhere), with the period as a month number and the incident's
-- figures. Like every derived row it copies the access fields of its source (DESIGN.md §3, rule 3):
-- it is made shareable, so the same row-level security policies filter it, plus reciprocity.
--
-- It is kept in step by triggers on `reports`, in the same transaction as the report's change, so a
-- count read from it is never stale: a report approved, edited back to submitted, withdrawn or
-- deleted is in or out of the facts when, and only when, its change commits. The triggers fire only
-- for rows that are or were shared (WHEN clauses, evaluated without calling the function), so imports
-- of drafts pay nothing for them. Only the trigger writes it: the application role may read it only.

CREATE TABLE report_facts (
  report_id              uuid PRIMARY KEY,
  counts_in_regional     boolean NOT NULL,
  occurred_from          date,
  -- year * 12 + month - 1 of occurred_from: month, quarter (/ 3) and year (/ 12) as integers.
  month                  int,
  incident_type          text NOT NULL,
  country                text NOT NULL,
  origin                 text,
  destination            text,
  flows                  text[] NOT NULL,
  citizenships           text[] NOT NULL,
  modes                  text[] NOT NULL,
  latitude               double precision,
  longitude              double precision,
  fee_per_person         double precision,
  fee_currency           text,
  people_total           int NOT NULL,
  adult_men              int NOT NULL,
  adult_women            int NOT NULL,
  boys                   int NOT NULL,
  girls                  int NOT NULL,
  unknown_sex_or_age     int NOT NULL,
  unaccompanied_children int NOT NULL,
  intercepted            int NOT NULL,
  rescued                int NOT NULL,
  dead                   int NOT NULL,
  missing                int NOT NULL,
  returned               int NOT NULL,
  claimed_asylum         int NOT NULL,
  arrests                int NOT NULL,
  convictions            int NOT NULL
);
SELECT lintas_make_shareable('report_facts');
REVOKE INSERT, UPDATE, DELETE ON report_facts FROM lintas_app;
-- The platform's visibility policy, the same condition with the member read once per query (an
-- initplan) rather than once per row: every dashboard request reads the whole table.
DROP POLICY lintas_see ON report_facts;
CREATE POLICY lintas_see ON report_facts FOR SELECT USING (
  owner = (SELECT current_setting('lintas.member', true))
  OR (audience_kind = 'all' AND (SELECT lintas_member_is_full()))
  OR audience_members @> ARRAY[(SELECT current_setting('lintas.member', true))]
  OR audience_groups && (SELECT lintas_member_groups()));
-- Reciprocity, as on reports (0003): another member's facts only while the viewer contributes.
CREATE POLICY report_facts_reciprocity ON report_facts AS RESTRICTIVE FOR SELECT
  USING (owner = (SELECT current_setting('lintas.member', true)) OR (SELECT lintas_reports_contributor()));
CREATE INDEX report_facts_occurred ON report_facts (occurred_from);

-- The facts of the shared reports, as report_facts holds them: the one definition the trigger and the
-- rebuild both insert from.
CREATE VIEW report_fact_rows AS
  SELECT r.id AS report_id, r.counts_in_regional, r.occurred_from,
    (extract(year FROM r.occurred_from) * 12 + extract(month FROM r.occurred_from) - 1)::int AS month,
    r.incident_type, r.country, r.origin, r.destination, r.flows, r.citizenships, r.modes, r.latitude, r.longitude,
    r.fee_per_person::float8 AS fee_per_person, r.fee_currency, r.people_total, r.adult_men, r.adult_women, r.boys, r.girls,
    r.unknown_sex_or_age, r.unaccompanied_children, r.intercepted, r.rescued, r.dead, r.missing, r.returned, r.claimed_asylum,
    r.arrests, r.convictions,
    r.owner, r.audience_kind, r.audience_members, r.audience_groups, r.tlp, r.handling, r.handling_note, r.evaluation_source,
    r.evaluation_information
  FROM reports r WHERE r.status = 'shared';
REVOKE ALL ON report_fact_rows FROM PUBLIC;

CREATE FUNCTION lintas_report_facts_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM report_facts WHERE report_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'shared' THEN
    INSERT INTO report_facts SELECT * FROM report_fact_rows WHERE report_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION lintas_report_facts_sync() FROM PUBLIC;

CREATE TRIGGER reports_facts_insert AFTER INSERT ON reports FOR EACH ROW WHEN (NEW.status = 'shared')
  EXECUTE FUNCTION lintas_report_facts_sync();
CREATE TRIGGER reports_facts_update AFTER UPDATE ON reports FOR EACH ROW WHEN (OLD.status = 'shared' OR NEW.status = 'shared')
  EXECUTE FUNCTION lintas_report_facts_sync();
CREATE TRIGGER reports_facts_delete AFTER DELETE ON reports FOR EACH ROW WHEN (OLD.status = 'shared')
  EXECUTE FUNCTION lintas_report_facts_sync();

-- Rebuilds the facts from the reports, set-based: after a bulk load with the triggers disabled
-- (benchmarks) and for the reports that existed before this migration. Owner only.
CREATE FUNCTION lintas_report_facts_rebuild() RETURNS bigint
LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  written bigint;
BEGIN
  DELETE FROM report_facts;
  INSERT INTO report_facts SELECT * FROM report_fact_rows;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$$;
REVOKE ALL ON FUNCTION lintas_report_facts_rebuild() FROM PUBLIC;
SELECT lintas_report_facts_rebuild();

-- Cells over the facts -----------------------------------------------------------------------------
--
-- The same cells as lintas_report_cells_sql (0004) builds over `reports`, read from report_facts:
-- the viewer's standing (member, contributor, full member, groups) is worked out once per query and
-- written into it as constants, grouping is on integers (month numbers, grid cells) with the keys'
-- text made per cell, not per row, and JIT compilation is off (it costs more than it saves here).
-- The property test in src/modules/reports/aggregates.test.ts proves the two builders give the same
-- cells for random reports, viewers and requests.

CREATE FUNCTION lintas_report_fact_cells_sql(spec jsonb, population text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER AS $fn$
DECLARE
  member text := current_setting('lintas.member', true);
  visible text;
  dims text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(spec -> 'dims', '[]')));
  fees boolean := coalesce((spec ->> 'fees')::boolean, false);
  dim text;
  i int := 0;
  size numeric;
  inner_keys text[] := '{}';
  labels text[] := '{}';
  laterals text := '';
  conditions text[] := '{}';
  hidden text;
  measures text;
  outer_measures text;
BEGIN
  -- The query layer's restatement of the rule for this viewer (row-level security applies as well
  -- to the visible part, which runs as the application role).
  IF member IS NULL OR member = '' THEN
    visible := 'false';
  ELSE
    visible := format('(r.owner = %L', member);
    IF lintas_reports_contributor() THEN
      IF lintas_member_is_full() THEN visible := visible || $v$ OR r.audience_kind = 'all'$v$; END IF;
      visible := visible || format(' OR r.audience_members @> ARRAY[%L]::text[] OR r.audience_groups && %L::text[]', member, lintas_member_groups());
    END IF;
    visible := visible || ')';
  END IF;
  CASE population
    WHEN 'visible' THEN conditions := conditions || visible; hidden := '0::bigint';
    WHEN 'hidden' THEN conditions := conditions || ('r.counts_in_regional AND NOT ' || visible); hidden := 'count(*)';
    WHEN 'union' THEN conditions := conditions || ('(r.counts_in_regional OR ' || visible || ')');
      hidden := 'count(*) FILTER (WHERE NOT ' || visible || ')';
    ELSE RAISE EXCEPTION 'unknown population %', population;
  END CASE;

  FOREACH dim IN ARRAY dims LOOP
    i := i + 1;
    IF dim LIKE 'grid:%' THEN
      IF substr(dim, 6) !~ '^[0-9]{1,3}(\.[0-9]{1,3})?$' THEN RAISE EXCEPTION 'bad grid %', dim; END IF;
      size := substr(dim, 6)::numeric;
      IF size < 0.01 THEN RAISE EXCEPTION 'bad grid %', dim; END IF;
      -- The same arithmetic as 0004 (numeric division), so cells fall on the same side of their edges.
      inner_keys := inner_keys || format('floor(r.latitude / %1$s)::int || '':'' || floor(r.longitude / %1$s)::int', size);
      labels := labels || format('g.k%s', i);
      conditions := conditions || 'r.latitude IS NOT NULL AND r.longitude IS NOT NULL'::text;
      CONTINUE;
    END IF;
    inner_keys := inner_keys || CASE dim
      WHEN 'month' THEN 'r.month' WHEN 'quarter' THEN 'r.month / 3' WHEN 'year' THEN 'r.month / 12'
      WHEN 'incidentType' THEN 'r.incident_type' WHEN 'country' THEN 'r.country'
      WHEN 'origin' THEN $k$coalesce(r.origin, 'unknown')$k$ WHEN 'destination' THEN $k$coalesce(r.destination, 'unknown')$k$
      WHEN 'member' THEN 'r.owner' WHEN 'currency' THEN 'r.fee_currency'
      WHEN 'route' THEN format('d%s.v', i) WHEN 'citizenship' THEN format('d%s.v', i) WHEN 'mode' THEN format('d%s.v', i)
      ELSE NULL END;
    IF inner_keys[i] IS NULL THEN RAISE EXCEPTION 'unknown dimension %', dim; END IF;
    labels := labels || CASE dim
      WHEN 'month' THEN format($l$coalesce(lpad((g.k%1$s / 12)::text, 4, '0') || '-' || lpad((g.k%1$s %% 12 + 1)::text, 2, '0'), 'unknown')$l$, i)
      WHEN 'quarter' THEN format($l$coalesce(lpad((g.k%1$s / 4)::text, 4, '0') || '-Q' || (g.k%1$s %% 4 + 1)::text, 'unknown')$l$, i)
      WHEN 'year' THEN format($l$coalesce(lpad(g.k%1$s::text, 4, '0'), 'unknown')$l$, i)
      ELSE format('g.k%s', i) END;
    IF dim IN ('route', 'citizenship', 'mode') THEN
      laterals := laterals || format($l$ CROSS JOIN LATERAL unnest(CASE WHEN cardinality(r.%1$s) > 0 THEN r.%1$s ELSE ARRAY['unknown'] END) AS d%2$s(v)$l$,
        CASE dim WHEN 'route' THEN 'flows' WHEN 'citizenship' THEN 'citizenships' ELSE 'modes' END, i);
    END IF;
  END LOOP;

  conditions := conditions || ARRAY[
    $c$($1 #> '{filters,incidentType}' IS NULL OR r.incident_type = ANY (ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,incidentType}'))))$c$,
    $c$($1 #> '{filters,country}' IS NULL OR r.country = ANY (ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,country}'))))$c$,
    $c$($1 #> '{filters,origin}' IS NULL OR r.origin = ANY (ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,origin}'))))$c$,
    $c$($1 #> '{filters,destination}' IS NULL OR r.destination = ANY (ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,destination}'))))$c$,
    $c$($1 #> '{filters,member}' IS NULL OR r.owner = ANY (ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,member}'))))$c$,
    $c$($1 #> '{filters,citizenship}' IS NULL OR r.citizenships && ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,citizenship}')))$c$,
    $c$($1 #> '{filters,mode}' IS NULL OR r.modes && ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,mode}')))$c$,
    $c$($1 #> '{filters,route}' IS NULL OR r.flows && ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,route}')))$c$,
    $c$($1 #>> '{filters,from}' IS NULL OR r.occurred_from >= ($1 #>> '{filters,from}')::date)$c$,
    $c$($1 #>> '{filters,to}' IS NULL OR r.occurred_from <= ($1 #>> '{filters,to}')::date)$c$
  ];
  IF fees THEN conditions := conditions || 'r.fee_per_person IS NOT NULL'::text; END IF;

  measures := CASE WHEN fees THEN
    'percentile_cont(0.5) WITHIN GROUP (ORDER BY r.fee_per_person) AS fee_median, min(r.fee_per_person) AS fee_min, max(r.fee_per_person) AS fee_max'
  ELSE 'NULL::float8 AS fee_median, NULL::float8 AS fee_min, NULL::float8 AS fee_max' END;
  outer_measures := 'g.reports, g.hidden, g.people, g.adult_men, g.adult_women, g.boys, g.girls, g.unknown_sex_or_age, g.unaccompanied_children, '
    || 'g.intercepted, g.rescued, g.dead, g.missing, g.returned, g.claimed_asylum, g.arrests, g.convictions, g.fee_median, g.fee_min, g.fee_max';

  -- Fee cells are read for their number of reports and the fee figures only (analysis-dashboard.ts
  -- `fees`): their other sums are left at 0 rather than carried through the sort the median needs.
  RETURN format($q$SELECT ARRAY[%1$s]::text[], %2$s FROM (
      SELECT %3$s count(*) AS reports, %4$s AS hidden, %9$s, %5$s
      FROM report_facts r%6$s WHERE %7$s %8$s) g$q$,
    CASE WHEN cardinality(labels) = 0 THEN '' ELSE array_to_string(labels, ', ') END,
    outer_measures,
    (SELECT coalesce(string_agg(format('%s AS k%s', key, n), ', ') || ',', '') FROM unnest(inner_keys) WITH ORDINALITY AS k(key, n)),
    hidden, measures, laterals, array_to_string(conditions, ' AND '),
    CASE WHEN cardinality(inner_keys) = 0 THEN '' ELSE 'GROUP BY ' || (SELECT string_agg(format('k%s', n), ', ') FROM generate_series(1, cardinality(inner_keys)) n) END,
    CASE WHEN fees THEN
      '0::bigint AS people, 0::bigint AS adult_men, 0::bigint AS adult_women, 0::bigint AS boys, 0::bigint AS girls, 0::bigint AS unknown_sex_or_age, '
      || '0::bigint AS unaccompanied_children, 0::bigint AS intercepted, 0::bigint AS rescued, 0::bigint AS dead, 0::bigint AS missing, '
      || '0::bigint AS returned, 0::bigint AS claimed_asylum, 0::bigint AS arrests, 0::bigint AS convictions'
    ELSE
      'sum(r.people_total) AS people, sum(r.adult_men) AS adult_men, sum(r.adult_women) AS adult_women, sum(r.boys) AS boys, '
      || 'sum(r.girls) AS girls, sum(r.unknown_sex_or_age) AS unknown_sex_or_age, sum(r.unaccompanied_children) AS unaccompanied_children, '
      || 'sum(r.intercepted) AS intercepted, sum(r.rescued) AS rescued, sum(r.dead) AS dead, sum(r.missing) AS missing, '
      || 'sum(r.returned) AS returned, sum(r.claimed_asylum) AS claimed_asylum, sum(r.arrests) AS arrests, sum(r.convictions) AS convictions'
    END);
END
$fn$;

-- Cells over the shared reports the viewer may see: runs as the caller, so row-level security applies as well.
CREATE FUNCTION lintas_report_fact_cells(spec jsonb) RETURNS SETOF lintas_report_cell
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public SET jit = off SET work_mem = '64MB' AS $$
BEGIN
  RETURN QUERY EXECUTE lintas_report_fact_cells_sql(spec - 'fees', 'visible') USING spec;
END
$$;

-- Cells over the regional reports the viewer may NOT see: counts and sums only, never ids or rows.
CREATE FUNCTION lintas_report_fact_hidden_cells(spec jsonb) RETURNS SETOF lintas_report_cell
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET jit = off SET work_mem = '64MB' AS $$
BEGIN
  RETURN QUERY EXECUTE lintas_report_fact_cells_sql(spec - 'fees', 'hidden') USING spec;
END
$$;

-- Fee cells (median, min, max per person) over visible and hidden regional reports together, the hidden ones counted.
CREATE FUNCTION lintas_report_fact_fee_cells(spec jsonb) RETURNS SETOF lintas_report_cell
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET jit = off SET work_mem = '64MB' AS $$
BEGIN
  RETURN QUERY EXECUTE lintas_report_fact_cells_sql(jsonb_set(spec, '{fees}', 'true'), 'union') USING spec;
END
$$;

REVOKE ALL ON FUNCTION lintas_report_fact_cells_sql(jsonb, text), lintas_report_fact_cells(jsonb), lintas_report_fact_hidden_cells(jsonb),
  lintas_report_fact_fee_cells(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_report_fact_cells(jsonb), lintas_report_fact_hidden_cells(jsonb), lintas_report_fact_fee_cells(jsonb) TO lintas_app;
GRANT EXECUTE ON FUNCTION lintas_report_fact_cells_sql(jsonb, text) TO lintas_app;
