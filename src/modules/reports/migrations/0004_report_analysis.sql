-- Regional analysis of incident reports (see src/modules/reports/analysis.ts for the whole design).
--
-- The population a viewer's aggregates draw on is the shared reports the viewer may see, plus the
-- shared reports marked `counts_in_regional` that it may not see. The first part is read as the
-- application role (row-level security applies, and the builder restates the rule as the query
-- layer's condition); the second only through the SECURITY DEFINER functions below, which return
-- grouped cells (keys, number of reports, sums, and for fees median/min/max) and never ids or rows.
-- The application suppresses every cell with a hidden contribution and fewer than k reports.
-- Drafts, submitted and withdrawn reports count nowhere, the viewer's own included.
--
-- The definer functions need the schema owner to bypass row-level security (a superuser or
-- BYPASSRLS, as audit_append already does); under a forced policy they would see only the viewer's
-- own visible rows and return no hidden cells: they fail closed.

/*
 * The SQL of one grouped-cells query over `reports r`. `spec` is
 * { "filters": {...}, "dims": ["quarter", "route"], "fees": false } and is bound as $1, never spliced:
 * only the whitelisted dimension expressions below become SQL text. `population` is one of
 * 'visible' (shared and visible to lintas.member), 'hidden' (shared, regional, not visible) or
 * 'union' (both, with the hidden ones counted apart).
 */
CREATE FUNCTION lintas_report_cells_sql(spec jsonb, population text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
  visible constant text := $v$(r.owner = current_setting('lintas.member', true)
    OR ((SELECT lintas_reports_contributor())
        AND ((r.audience_kind = 'all' AND (SELECT lintas_member_is_full()))
             OR r.audience_members @> ARRAY[current_setting('lintas.member', true)]
             OR r.audience_groups && (SELECT lintas_member_groups()))))$v$;
  dims text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(spec -> 'dims', '[]')));
  fees boolean := coalesce((spec ->> 'fees')::boolean, false);
  dim text;
  i int := 0;
  size numeric;
  keys text[] := '{}';
  laterals text := '';
  conditions text[] := ARRAY[$c$r.status = 'shared'$c$];
  hidden text;
  measures text;
BEGIN
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
      keys := keys || format($k$floor(r.latitude / %1$s)::int || ':' || floor(r.longitude / %1$s)::int$k$, size);
      conditions := conditions || 'r.latitude IS NOT NULL AND r.longitude IS NOT NULL'::text;
      CONTINUE;
    END IF;
    keys := keys || CASE dim
      WHEN 'month' THEN $k$coalesce(to_char(r.occurred_from, 'YYYY-MM'), 'unknown')$k$
      WHEN 'quarter' THEN $k$coalesce(to_char(r.occurred_from, 'YYYY-"Q"Q'), 'unknown')$k$
      WHEN 'year' THEN $k$coalesce(to_char(r.occurred_from, 'YYYY'), 'unknown')$k$
      WHEN 'incidentType' THEN 'r.incident_type'
      WHEN 'country' THEN 'r.country'
      WHEN 'origin' THEN $k$coalesce(r.origin, 'unknown')$k$
      WHEN 'destination' THEN $k$coalesce(r.destination, 'unknown')$k$
      WHEN 'member' THEN 'r.owner'
      WHEN 'currency' THEN 'r.fee_currency'
      WHEN 'route' THEN format('d%s.v', i)
      WHEN 'citizenship' THEN format('d%s.v', i)
      WHEN 'mode' THEN format('d%s.v', i)
      ELSE NULL END;
    IF keys[i] IS NULL THEN RAISE EXCEPTION 'unknown dimension %', dim; END IF;
    -- Multi-valued dimensions: a report counts once in each of its values (values are unique per report).
    IF dim IN ('route', 'citizenship', 'mode') THEN
      laterals := laterals || format($l$ CROSS JOIN LATERAL unnest(CASE WHEN cardinality(r.%1$s) > 0 THEN r.%1$s ELSE ARRAY['unknown'] END) AS d%2$s(v)$l$,
        CASE dim WHEN 'route' THEN 'flows' WHEN 'citizenship' THEN 'citizenships' ELSE 'modes' END, i);
    END IF;
  END LOOP;

  -- Filters: every value comes from $1 (uncorrelated sub-selects, evaluated once).
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
    $m$percentile_cont(0.5) WITHIN GROUP (ORDER BY r.fee_per_person)::float8, min(r.fee_per_person)::float8, max(r.fee_per_person)::float8$m$
  ELSE 'NULL::float8, NULL::float8, NULL::float8' END;

  RETURN format($q$SELECT ARRAY[%1$s]::text[], count(*), %2$s,
      sum(r.people_total), sum(r.adult_men), sum(r.adult_women), sum(r.boys), sum(r.girls), sum(r.unknown_sex_or_age),
      sum(r.unaccompanied_children), sum(r.intercepted), sum(r.rescued), sum(r.dead), sum(r.missing), sum(r.returned),
      sum(r.claimed_asylum), sum(r.arrests), sum(r.convictions), %3$s
    FROM reports r%4$s WHERE %5$s %6$s$q$,
    CASE WHEN cardinality(keys) = 0 THEN '' ELSE array_to_string(keys, ', ') END,
    hidden, measures, laterals, array_to_string(conditions, ' AND '),
    CASE WHEN cardinality(keys) = 0 THEN '' ELSE 'GROUP BY ' || array_to_string(keys, ', ') END);
END
$fn$;

CREATE TYPE lintas_report_cell AS (
  keys text[], reports bigint, hidden bigint,
  people bigint, adult_men bigint, adult_women bigint, boys bigint, girls bigint, unknown_sex_or_age bigint,
  unaccompanied_children bigint, intercepted bigint, rescued bigint, dead bigint, missing bigint, returned bigint,
  claimed_asylum bigint, arrests bigint, convictions bigint,
  fee_median float8, fee_min float8, fee_max float8
);

-- Cells over the shared reports the viewer may see: runs as the caller, so row-level security applies as well.
CREATE FUNCTION lintas_report_cells(spec jsonb) RETURNS SETOF lintas_report_cell
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public AS $$
BEGIN
  RETURN QUERY EXECUTE lintas_report_cells_sql(spec - 'fees', 'visible') USING spec;
END
$$;

-- Cells over the regional reports the viewer may NOT see: counts and sums only, never ids or rows.
CREATE FUNCTION lintas_report_hidden_cells(spec jsonb) RETURNS SETOF lintas_report_cell
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN QUERY EXECUTE lintas_report_cells_sql(spec - 'fees', 'hidden') USING spec;
END
$$;

-- Fee cells (median, min, max per person) over visible and hidden regional reports together, with the
-- hidden ones counted, since a median cannot be combined from parts. The application suppresses any
-- cell with a hidden contribution and fewer than k reports, so no single hidden value is shown.
CREATE FUNCTION lintas_report_fee_cells(spec jsonb) RETURNS SETOF lintas_report_cell
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN QUERY EXECUTE lintas_report_cells_sql(jsonb_set(spec, '{fees}', 'true'), 'union') USING spec;
END
$$;

REVOKE ALL ON FUNCTION lintas_report_cells_sql(jsonb, text), lintas_report_cells(jsonb), lintas_report_hidden_cells(jsonb),
  lintas_report_fee_cells(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_report_cells(jsonb), lintas_report_hidden_cells(jsonb), lintas_report_fee_cells(jsonb) TO lintas_app;
-- The invoker function builds its query with the builder, as the application role.
GRANT EXECUTE ON FUNCTION lintas_report_cells_sql(jsonb, text) TO lintas_app;

CREATE INDEX reports_analysis ON reports (status, occurred_from) INCLUDE (counts_in_regional);
