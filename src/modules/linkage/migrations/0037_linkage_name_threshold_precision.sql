-- The threshold reaches pg_trgm's `%` at full precision (real -> float8 -> text). As
-- `threshold::text` it was '0.65', a hair above the real 0.65 (0.649999976…) that `score >=
-- threshold` and pg_trgm's own float4 similarity compare with, so a pair exactly at the threshold
-- (13 trigrams shared of 20 at 65 %) failed `%` and did not link, while other code paths would have
-- counted it. name-pairs.test.ts holds the matcher, the re-link and a trigram search of every name
-- to the same pairs at thresholds equal to similarities the data holds.
CREATE OR REPLACE FUNCTION linkage_store_name_pairs(ids uuid[], threshold real) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET pg_trgm.similarity_threshold = 0.3 AS $$
DECLARE
  stored integer;
BEGIN
  PERFORM set_config('pg_trgm.similarity_threshold', threshold::float8::text, true);
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

CREATE OR REPLACE FUNCTION linkage_rebuild_name_pairs(threshold real) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET pg_trgm.similarity_threshold = 0.3 AS $$
DECLARE
  stored bigint;
BEGIN
  PERFORM set_config('pg_trgm.similarity_threshold', threshold::float8::text, true);
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
