-- Reading a record's name links must not take longer the more hidden records carry a similar name
-- (issue #24: 6.08 against 16.0 ms p50 at 100,000 records with 0 and 1,000 hidden holders). Migration
-- 0026's linkage_similar_names found them through the trigram indexes, which return every similar
-- name, hidden or not, before the sharing rule drops the hidden ones: a member timing its own lead's
-- page learned that hidden records carry a name like its own.
--
-- Here similar names are found once, by the matcher (an owner job, after the write's commit), and
-- stored as pairs of person rows, both ways round, each pair carrying a copy of the OTHER row's
-- access fields. A read probes the pairs of its own rows the way linkage_holders (0028) probes exact
-- values: the reader's own by owner, those shared with all by audience kind (full members), those
-- shared by name or group by the reader's own entries in a GIN index of each pair's reach. No pair
-- whose other row the reader may not see is visited. The cost moves to the matcher and to storage:
-- a name held by n similar rows makes n × (n - 1) pairs.
--
-- A member's own write never touches the pairs: re-sharing, renaming or deleting a name row would
-- otherwise visit one pair per similar name, hidden ones too, and its time would tell how many hidden
-- records carry a name like its own. Such a write only queues the row (a trigger, constant work);
-- the matcher then finds its pairs again, or removes those of a row gone. Meanwhile a read joins each
-- pair's other row under the sharing rule again, so a narrowed or deleted row shows nowhere; a
-- widened one shows once the matcher has run. Hence no foreign keys here: a cascade is such a visit.
CREATE TABLE linkage_name_pairs (
  entity_id         uuid NOT NULL,
  other_id          uuid NOT NULL,
  -- pg_trgm similarity of the two names' words or sound skeletons, whichever is higher.
  score             real NOT NULL,
  -- The other row's access fields as the matcher last found them (it runs again on a re-share).
  owner             text NOT NULL,
  audience_kind     text NOT NULL,
  audience_members  text[] NOT NULL,
  audience_groups   text[] NOT NULL,
  -- Led by other_id: it serves the matcher's removal of a row's pairs from the other side, and no
  -- read of an entity's pairs can use it (that would visit hidden pairs).
  PRIMARY KEY (other_id, entity_id)
);
-- Members never read this table; the functions below do, as its owner.
ALTER TABLE linkage_name_pairs ENABLE ROW LEVEL SECURITY;
ALTER TABLE linkage_name_pairs FORCE ROW LEVEL SECURITY;
REVOKE ALL ON linkage_name_pairs FROM PUBLIC, lintas_app;
CREATE INDEX linkage_name_pairs_audience ON linkage_name_pairs (entity_id, audience_kind, owner);

-- One entry per member named in the pair's audience and per group it is shared with, each prefixed
-- by the entity the pair belongs to (its id in full, so no two entities' entries collide).
CREATE FUNCTION linkage_pair_reach(entity_id uuid, members text[], groups text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT entity_id::text || ' m ' || m FROM unnest(members) AS m
    UNION ALL
    SELECT entity_id::text || ' g ' || g FROM unnest(groups) AS g)
$$;
-- fastupdate off: a pending list would be scanned whole on every probe, whatever it holds.
CREATE INDEX linkage_name_pairs_reach ON linkage_name_pairs
  USING gin (linkage_pair_reach(entity_id, audience_members, audience_groups)) WITH (fastupdate = off);

-- A name row whose words, skeleton or year of birth change (a record's person re-dated), or that is
-- deleted, is queued for the matcher, which finds its pairs again or removes them (a re-share is
-- queued already, by linkage_entity_reshared of 0023). Until then a renamed row keeps its old pairs.
CREATE TRIGGER linkage_entity_renamed AFTER UPDATE ON linkage_entities FOR EACH ROW
  WHEN (NEW.kind = 'person' AND (OLD.key IS DISTINCT FROM NEW.key OR OLD.skeleton IS DISTINCT FROM NEW.skeleton OR OLD.birth_year IS DISTINCT FROM NEW.birth_year))
  EXECUTE FUNCTION linkage_entity_queued();
CREATE FUNCTION linkage_entity_gone() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  INSERT INTO linkage_queue (entity_id) VALUES (OLD.id) ON CONFLICT (entity_id) DO UPDATE SET not_before = '-infinity';
  PERFORM pg_notify('lintas_linkage', '');
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION linkage_entity_gone() FROM PUBLIC;
CREATE TRIGGER linkage_entity_gone AFTER DELETE ON linkage_entities FOR EACH ROW
  WHEN (OLD.kind = 'person') EXECUTE FUNCTION linkage_entity_gone();

-- The matcher's step for rows gone: their pairs, both ways round.
CREATE FUNCTION linkage_drop_name_pairs(ids uuid[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
  DELETE FROM linkage_name_pairs p WHERE p.entity_id = ANY (ids);
  DELETE FROM linkage_name_pairs p WHERE p.other_id = ANY (ids);
$$;
REVOKE ALL ON FUNCTION linkage_drop_name_pairs(uuid[]) FROM PUBLIC;

-- The matcher's step for names: the pairs of these person rows are found again (all of them, both
-- ways round) with the given threshold. The old pairs go first, in their own statement, so a pair
-- another matcher process commits meanwhile is kept (its row is then seen by the search) rather than
-- lost. Only the owner's jobs call it.
CREATE FUNCTION linkage_store_name_pairs(ids uuid[], threshold real) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET pg_trgm.similarity_threshold = 0.3 AS $$
DECLARE
  stored integer;
BEGIN
  PERFORM set_config('pg_trgm.similarity_threshold', threshold::text, true);
  DELETE FROM linkage_name_pairs p WHERE p.entity_id = ANY (ids);
  DELETE FROM linkage_name_pairs p WHERE p.other_id = ANY (ids);
  WITH found AS (
    SELECT a.id AS a_id, b.id AS b_id, b.score,
      a.owner AS a_owner, a.audience_kind AS a_kind, a.audience_members AS a_members, a.audience_groups AS a_groups,
      b.owner AS b_owner, b.audience_kind AS b_kind, b.audience_members AS b_members, b.audience_groups AS b_groups
    FROM linkage_entities a CROSS JOIN LATERAL (
      SELECT e.id, e.owner, e.audience_kind, e.audience_members, e.audience_groups,
        greatest(similarity(e.key, a.key), similarity(e.skeleton, a.skeleton)) AS score
      FROM linkage_entities e
      WHERE e.kind = 'person' AND (e.key % a.key OR e.skeleton % a.skeleton) AND e.record_id <> a.record_id
        AND (a.birth_year IS NULL OR e.birth_year IS NULL OR abs(e.birth_year - a.birth_year) <= 1)
    ) b
    WHERE a.id = ANY (ids) AND a.kind = 'person' AND b.score >= threshold
  ), both_ways AS (
    SELECT a_id AS entity_id, b_id AS other_id, score, b_owner AS owner, b_kind AS audience_kind, b_members AS audience_members, b_groups AS audience_groups FROM found
    UNION ALL
    SELECT b_id, a_id, score, a_owner, a_kind, a_members, a_groups FROM found
  )
  INSERT INTO linkage_name_pairs (entity_id, other_id, score, owner, audience_kind, audience_members, audience_groups)
  SELECT DISTINCT ON (other_id, entity_id) * FROM both_ways
  ON CONFLICT (other_id, entity_id) DO UPDATE SET score = excluded.score, owner = excluded.owner,
    audience_kind = excluded.audience_kind, audience_members = excluded.audience_members, audience_groups = excluded.audience_groups;
  GET DIAGNOSTICS stored = ROW_COUNT;
  RETURN stored;
END
$$;
REVOKE ALL ON FUNCTION linkage_store_name_pairs(uuid[], real) FROM PUBLIC;

-- Re-linking from scratch (and the way a new LINTAS_LINKAGE_NAME_SIMILARITY reaches stored pairs):
-- every pair found again, set-based, with the given threshold. Only the owner runs it.
CREATE FUNCTION linkage_rebuild_name_pairs(threshold real) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET pg_trgm.similarity_threshold = 0.3 AS $$
DECLARE
  stored bigint;
BEGIN
  PERFORM set_config('pg_trgm.similarity_threshold', threshold::text, true);
  LOCK TABLE linkage_name_pairs IN EXCLUSIVE MODE;
  DELETE FROM linkage_name_pairs;
  INSERT INTO linkage_name_pairs (entity_id, other_id, score, owner, audience_kind, audience_members, audience_groups)
  SELECT a.id, b.id, b.score, b.owner, b.audience_kind, b.audience_members, b.audience_groups
  FROM linkage_entities a CROSS JOIN LATERAL (
    SELECT e.id, e.owner, e.audience_kind, e.audience_members, e.audience_groups,
      greatest(similarity(e.key, a.key), similarity(e.skeleton, a.skeleton)) AS score
    FROM linkage_entities e
    WHERE e.kind = 'person' AND (e.key % a.key OR e.skeleton % a.skeleton) AND e.record_id <> a.record_id
      AND (a.birth_year IS NULL OR e.birth_year IS NULL OR abs(e.birth_year - a.birth_year) <= 1)
  ) b
  WHERE a.kind = 'person' AND b.score >= threshold;
  GET DIAGNOSTICS stored = ROW_COUNT;
  RETURN stored;
END
$$;
REVOKE ALL ON FUNCTION linkage_rebuild_name_pairs(real) FROM PUBLIC;

-- The names similar to these person rows that the member of the transaction may see, visiting no
-- pair whose other row it may not see: for each of the given rows it may see itself, its pairs with
-- the reader's own rows (by owner), with rows shared with all (by audience kind, full members only)
-- and with rows shared with the reader by name or through a group (the reader's own reach entries).
-- The caller joins the other rows under row-level security again. Without a member it returns
-- nothing (it fails closed); sequential scans are off, as in linkage_holders.
CREATE FUNCTION linkage_similar_names_of(entity_ids uuid[])
RETURNS TABLE (entity_id uuid, other_id uuid, score float8) LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 20
SET search_path = public SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
  me text := nullif(current_setting('lintas.member', true), '');
  full_member boolean := lintas_member_is_full();
  my_groups text[] := lintas_member_groups();
BEGIN
  IF me IS NULL OR cardinality(entity_ids) = 0 THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT DISTINCT p.entity_id, p.other_id, p.score::float8 FROM (
      -- The given rows by their ids alone (OFFSET 0: the planner may not probe (kind, …) for
      -- 'person' instead, which visits every name), then the rule on each.
      SELECT e.* FROM (SELECT e.id, e.kind, e.owner, e.audience_kind, e.audience_members, e.audience_groups
        FROM linkage_entities e WHERE e.id = ANY (entity_ids) OFFSET 0) e
      WHERE e.kind = 'person'
        AND (e.owner = me OR (e.audience_kind = 'all' AND full_member) OR e.audience_members @> ARRAY[me] OR e.audience_groups && my_groups)
    ) w CROSS JOIN LATERAL (
      SELECT q.entity_id, q.other_id, q.score FROM linkage_name_pairs q
      WHERE q.entity_id = w.id AND q.audience_kind = ANY ('{owner,all,members,groups}'::text[]) AND q.owner = me
      UNION ALL
      SELECT q.entity_id, q.other_id, q.score FROM linkage_name_pairs q
      WHERE full_member AND q.entity_id = w.id AND q.audience_kind = 'all'
      UNION ALL
      -- OFFSET 0 keeps the planner from probing this by entity_id alone (which visits every pair).
      SELECT r.entity_id, r.other_id, r.score FROM (
        SELECT q.entity_id, q.other_id, q.score FROM linkage_name_pairs q
        WHERE linkage_pair_reach(q.entity_id, q.audience_members, q.audience_groups) && linkage_pair_reach(w.id, ARRAY[me], my_groups)
        OFFSET 0) r
      WHERE r.entity_id = w.id
    ) p;
END
$$;
REVOKE ALL ON FUNCTION linkage_similar_names_of(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION linkage_similar_names_of(uuid[]) TO lintas_app;

-- Names now have reach entries too (0028 left them out, as they were found by similarity): a name
-- typed into the graph finds the rows holding exactly it through linkage_holders, visiting no hidden
-- row, and its similar names through those rows' pairs.
DROP INDEX linkage_entities_reach;
CREATE OR REPLACE FUNCTION linkage_reach(kind text, key text, members text[], groups text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT left(md5(kind || ' ' || key), 16) || ' m ' || m FROM unnest(members) AS m
    UNION ALL
    SELECT left(md5(kind || ' ' || key), 16) || ' g ' || g FROM unnest(groups) AS g)
$$;
CREATE INDEX linkage_entities_reach ON linkage_entities
  USING gin (linkage_reach(kind, key, audience_members, audience_groups)) WITH (fastupdate = off);

-- The old read path goes: it visited hidden similar names.
DROP FUNCTION linkage_similar_names(text, text, integer, real);

-- Pairs for the names already stored (an existing installation): found once, at the setting's default.
SELECT linkage_rebuild_name_pairs(0.6);
