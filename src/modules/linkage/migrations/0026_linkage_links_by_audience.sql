-- Reading a record's links must not take longer the more records it may not see hold its values
-- (a timing leak: a member could learn that others hold a value by timing its own lead's page). The
-- lookup by (kind, key) visited every holder, hidden or not, before the sharing rule dropped the
-- hidden ones. With the audience kind and the owner in the index, linksOf probes the reader's own
-- rows by owner and others' rows only by the audience kinds that can reach it: records of other
-- members that only their owner may see (the default for leads) are never visited. The matcher's
-- lookup by (kind, key) uses the index's first two columns as before.
DROP INDEX linkage_entities_key;
CREATE INDEX linkage_entities_key_audience ON linkage_entities (kind, key, audience_kind, owner);

-- Names: under row-level security the trigram indexes were never used for a member's reads. The
-- similarity operator (%) is not leakproof, so PostgreSQL may not test it before the sharing policy,
-- and a lead's links scanned every person row (6.7 s for one name at 1,000,000 records). This
-- function finds similar names through the trigram indexes as the schema owner (which bypasses
-- row-level security, as the other SECURITY DEFINER functions here need) and returns only the rows
-- the member of the transaction may see, by the same rule as the policy (lintas_member_is_full and
-- lintas_member_groups state it, and a test holds them to lintas_visible_sql). The caller joins the
-- rows it returns under row-level security again. The operator's threshold is the one asked for
-- (the setting), not pg_trgm's 0.3, so the indexes return only names close enough; it is set for
-- the function's own duration. Hidden similar names are still visited by the index scan.
CREATE FUNCTION linkage_similar_names(wanted_key text, wanted_skeleton text, wanted_year integer, threshold real)
RETURNS TABLE (id uuid, score float8) LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public SET pg_trgm.similarity_threshold = 0.3 AS $$
DECLARE
  me text := current_setting('lintas.member', true);
  full_member boolean := lintas_member_is_full();
  my_groups text[] := lintas_member_groups();
BEGIN
  PERFORM set_config('pg_trgm.similarity_threshold', threshold::text, true);
  RETURN QUERY
    SELECT e.id, greatest(similarity(e.key, wanted_key), similarity(e.skeleton, wanted_skeleton))::float8
    FROM linkage_entities e
    WHERE e.kind = 'person' AND (e.key % wanted_key OR e.skeleton % wanted_skeleton)
      AND (wanted_year IS NULL OR e.birth_year IS NULL OR abs(e.birth_year - wanted_year) <= 1)
      AND greatest(similarity(e.key, wanted_key), similarity(e.skeleton, wanted_skeleton)) >= threshold
      AND (e.owner = me OR (e.audience_kind = 'all' AND full_member) OR e.audience_members @> ARRAY[me] OR e.audience_groups && my_groups);
END
$$;
REVOKE ALL ON FUNCTION linkage_similar_names(text, text, integer, real) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION linkage_similar_names(text, text, integer, real) TO lintas_app;
