-- Reading a record's links (and a value's holders in the graph) must cost the same however many
-- records the reader may not see hold its values, or a member timing its own reads could tell a
-- common value from a rare one. Migration 0026 probed others' rows by audience kind, so the rows of
-- a key shared by name or by group were all visited, the hidden ones too (at 10,000,000 records a
-- lead's links read in 7.9 ms with no hidden holder and 16.5 ms with 1,000 of each of its values).
--
-- Here each row's reach is indexed: one GIN entry per member named in its audience and per group it
-- is shared with, each prefixed by a hash of the row's kind and key. A reader's probe for a value is
-- its own entries (the value's hash with its member code, and with each of its groups), so the
-- index returns only rows shared with it. With the reader's own rows (probed by owner on the btree
-- (kind, key, audience_kind, owner)) and, for a full member, the rows shared with all (probed by
-- audience kind), no row the reader may not see is visited. A hash collision only adds a candidate
-- the caller drops by kind and key; names are not indexed here (they are found by similarity).
CREATE FUNCTION linkage_reach(kind text, key text, members text[], groups text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN kind = 'person' THEN '{}'::text[] ELSE ARRAY(
    SELECT left(md5(kind || ' ' || key), 16) || ' m ' || m FROM unnest(members) AS m
    UNION ALL
    SELECT left(md5(kind || ' ' || key), 16) || ' g ' || g FROM unnest(groups) AS g) END
$$;

-- fastupdate off: a pending list would be scanned whole on every probe, whatever it holds.
CREATE INDEX linkage_entities_reach ON linkage_entities
  USING gin (linkage_reach(kind, key, audience_members, audience_groups)) WITH (fastupdate = off);

-- The rows holding exactly these values (kinds and keys, paired) that the member of the transaction
-- may see, by the same rule as the sharing policy (as linkage_similar_names states it), visiting no
-- other row. The caller joins the ids it returns under row-level security again. Without a member
-- (the owner's own jobs) it returns nothing: it fails closed. Sequential scans are off for its
-- duration: on a small table the planner would read every row (the hidden ones too) rather than
-- probe the indexes, and a read's cost would again follow what the reader may not see.
CREATE FUNCTION linkage_holders(kinds text[], keys text[])
RETURNS TABLE (id uuid) LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 20
SET search_path = public SET enable_seqscan = off AS $$
DECLARE
  me text := nullif(current_setting('lintas.member', true), '');
  full_member boolean := lintas_member_is_full();
  my_groups text[] := lintas_member_groups();
BEGIN
  IF me IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT DISTINCT h.id FROM unnest(kinds, keys) AS w (kind, key) CROSS JOIN LATERAL (
      SELECT e.id FROM linkage_entities e
      WHERE e.kind = w.kind AND e.key = w.key AND e.audience_kind = ANY ('{owner,all,members,groups}'::text[]) AND e.owner = me
      UNION ALL
      SELECT e.id FROM linkage_entities e
      WHERE full_member AND e.kind = w.kind AND e.key = w.key AND e.audience_kind = 'all'
      UNION ALL
      -- OFFSET 0 keeps the planner from taking the key's equality into this probe (the btree would
      -- then visit every holder of the key); a collision's row is dropped after.
      SELECT r.id FROM (
        SELECT e.id, e.kind, e.key FROM linkage_entities e
        WHERE linkage_reach(e.kind, e.key, e.audience_members, e.audience_groups) && linkage_reach(w.kind, w.key, ARRAY[me], my_groups)
        OFFSET 0) r
      WHERE r.kind = w.kind AND r.key = w.key
    ) h;
END
$$;
REVOKE ALL ON FUNCTION linkage_holders(text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION linkage_holders(text[], text[]) TO lintas_app;
