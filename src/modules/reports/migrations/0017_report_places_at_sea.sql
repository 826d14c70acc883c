-- Reports: places far at sea, the sea area, and the country a place's text names (issue 22).
--
-- The Missing Migrants Project counts deaths and disappearances in open water; a point more than
-- 250 km from any coast has no country (the sea rule gives the nearest coastal state only within
-- that distance), so a report at sea may now leave the country out. It then names its sea area
-- (`sea_area`, as the reporter or source names it) or carries the source's own region
-- (`source_region`, e.g. MMP's "Region of Incident"). Where a place's text names a country other
-- than the one found from its coordinates, `named_country` keeps the named one, so analysts can see
-- and filter the disagreement instead of the importer guessing.
--
-- Analysis: the sea area of a report at sea is its `sea_area`, else its source's region; counts by
-- country leave out reports without one, counts by sea area leave out reports on land, counts by
-- route count every report. `report_facts` gains the sea area, and the SQL reference
-- (lintas_report_cells_sql, 0004) the `seaArea` dimension and filter.

ALTER TABLE reports
  ALTER COLUMN country DROP NOT NULL,
  ADD COLUMN sea_area text CHECK (length(sea_area) BETWEEN 1 AND 120),
  ADD COLUMN source_region text CHECK (length(source_region) BETWEEN 1 AND 120),
  ADD COLUMN named_country text CHECK (named_country ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT reports_country_unless_at_sea CHECK (country IS NOT NULL OR place_kind = 'at-sea');

ALTER TABLE report_facts
  ALTER COLUMN country DROP NOT NULL,
  ADD COLUMN sea_area text;

-- The facts' columns in report_facts' order: the new column is the table's last.
CREATE OR REPLACE VIEW report_fact_rows AS
  SELECT r.id AS report_id, r.counts_in_regional, r.occurred_from,
    (extract(year FROM r.occurred_from) * 12 + extract(month FROM r.occurred_from) - 1)::int AS month,
    r.incident_type, r.country, r.origin, r.destination, r.flows, r.citizenships, r.modes, r.latitude, r.longitude,
    r.fee_per_person::float8 AS fee_per_person, r.fee_currency, r.people_total, r.adult_men, r.adult_women, r.boys, r.girls,
    r.unknown_sex_or_age, r.unaccompanied_children, r.intercepted, r.rescued, r.dead, r.missing, r.returned, r.claimed_asylum,
    r.arrests, r.convictions,
    r.owner, r.audience_kind, r.audience_members, r.audience_groups, r.tlp, r.handling, r.handling_note, r.evaluation_source,
    r.evaluation_information,
    CASE WHEN r.place_kind = 'at-sea' THEN coalesce(r.sea_area, r.source_region) END AS sea_area
  FROM reports r WHERE r.status = 'shared';

CREATE OR REPLACE FUNCTION lintas_report_cells_sql(spec jsonb, population text) RETURNS text
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
      WHEN 'seaArea' THEN $k$CASE WHEN r.place_kind = 'at-sea' THEN coalesce(r.sea_area, r.source_region) END$k$
      WHEN 'origin' THEN $k$coalesce(r.origin, 'unknown')$k$
      WHEN 'destination' THEN $k$coalesce(r.destination, 'unknown')$k$
      WHEN 'member' THEN 'r.owner'
      WHEN 'currency' THEN 'r.fee_currency'
      WHEN 'route' THEN format('d%s.v', i)
      WHEN 'citizenship' THEN format('d%s.v', i)
      WHEN 'mode' THEN format('d%s.v', i)
      ELSE NULL END;
    IF keys[i] IS NULL THEN RAISE EXCEPTION 'unknown dimension %', dim; END IF;
    -- A report without a country (far at sea) counts in no country's cell; one on land in no sea area's.
    IF dim IN ('country', 'seaArea') THEN conditions := conditions || (keys[i] || ' IS NOT NULL'); END IF;
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
    $c$($1 #> '{filters,seaArea}' IS NULL OR (CASE WHEN r.place_kind = 'at-sea' THEN coalesce(r.sea_area, r.source_region) END) = ANY (ARRAY(SELECT jsonb_array_elements_text($1 #> '{filters,seaArea}'))))$c$,
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
