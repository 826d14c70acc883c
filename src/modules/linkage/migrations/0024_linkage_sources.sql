-- Entity rows of records another member writes on their owner's behalf (a document hit: the checking
-- member opens it, the issuer owns it and shares it with the checker alone). The entity rows copy the
-- record's access fields (DESIGN.md §3, rule 3), so they are the owner's rows too; the writer may add
-- them only for a record of a type declared so (the table below, filled at start from the modules'
-- declarations) that exists with exactly those access fields and is shared with the writer alone.

CREATE TABLE linkage_sources (
  module       text NOT NULL,
  record_type  text NOT NULL,
  source_table regclass NOT NULL,
  PRIMARY KEY (module, record_type)
);
GRANT SELECT ON linkage_sources TO lintas_app;

-- Runs as the writer (its row-level security applies to the source table): true only when the writer
-- may see the record and the record carries these access fields.
CREATE FUNCTION linkage_source_holds(wanted_module text, wanted_type text, wanted_id uuid, wanted_owner text,
  wanted_members text[], wanted_tlp text) RETURNS boolean LANGUAGE plpgsql STABLE SET search_path = public AS $$
DECLARE
  source regclass;
  found boolean;
BEGIN
  SELECT s.source_table INTO source FROM linkage_sources s WHERE s.module = wanted_module AND s.record_type = wanted_type;
  IF source IS NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s s WHERE s.id = $1 AND s.owner = $2 AND s.audience_kind = ''members''
    AND s.audience_members = $3 AND s.tlp = $4)', source) INTO found USING wanted_id, wanted_owner, wanted_members, wanted_tlp;
  RETURN found;
END
$$;
REVOKE ALL ON FUNCTION linkage_source_holds(text, text, uuid, text, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION linkage_source_holds(text, text, uuid, text, text[], text) TO lintas_app;

CREATE POLICY linkage_add_for_owner ON linkage_entities FOR INSERT WITH CHECK (
  audience_kind = 'members' AND audience_members = ARRAY[current_setting('lintas.member', true)] AND handling = '{}'
  AND linkage_source_holds(module, record_type, record_id, owner, audience_members, tlp));
