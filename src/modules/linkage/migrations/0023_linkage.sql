-- Linkage: members' leads (intelligence records about suspected smugglers and networks), and the
-- entity values of every record that offers them, each row carrying its record's access fields
-- (DESIGN.md §3, rule 3) so the one sharing rule filters links as it filters records.

-- Trigram similarity scores person names (pg_trgm is a trusted extension; PGlite loads it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE linkage_leads (
  id            uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  subject       text NOT NULL CHECK (subject IN ('person', 'network', 'vessel', 'other')),
  narrative     text NOT NULL DEFAULT '' CHECK (length(narrative) <= 100000),
  -- Where the lead was written: national phone numbers and plates without a country are read in it.
  country       text CHECK (country ~ '^[A-Z]{3}$'),
  -- The entities as the officer wrote them; their keys are in linkage_entities.
  entities      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(entities) = 'array'),
  -- Whether a member told of a match with this lead learns this member's name (else "another member").
  named_in_hits boolean NOT NULL DEFAULT true,
  created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Leads are nominal: the application defaults their audience to the owner alone.
SELECT lintas_make_shareable('linkage_leads');

-- One row per record and key. A link between two records is two rows with the same kind and key
-- (or, for names, keys similar enough): no pairwise rows, so this table grows with the entities.
CREATE TABLE linkage_entities (
  id             uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  module         text NOT NULL,
  record_type    text NOT NULL,
  record_id      uuid NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('phone', 'email', 'handle', 'travel-document', 'imo', 'mmsi', 'vessel-name', 'vehicle',
                   'iban', 'bank-account', 'mobile-money', 'crypto', 'person')),
  key            text NOT NULL CHECK (length(key) BETWEEN 1 AND 400),
  -- A person's name: its sound skeleton and year of birth (the key holds its sorted Latin words).
  skeleton       text,
  birth_year     integer CHECK (birth_year BETWEEN 1900 AND 2200),
  named_in_hits  boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (record_id, kind, key),
  CHECK ((kind = 'person') = (skeleton IS NOT NULL))
);
SELECT lintas_make_shareable('linkage_entities');
CREATE INDEX linkage_entities_key ON linkage_entities (kind, key);
CREATE INDEX linkage_entities_names ON linkage_entities USING gin (key gin_trgm_ops) WHERE kind = 'person';
CREATE INDEX linkage_entities_skeletons ON linkage_entities USING gin (skeleton gin_trgm_ops) WHERE kind = 'person';

-- Entity rows wait here until the matcher has looked for them in other members' records. The
-- write's own transaction fills it (a trigger), so no match is lost and the write's answer never
-- depends on what it matches; only the matcher, an owner job, reads it.
CREATE TABLE linkage_queue (
  entity_id  uuid PRIMARY KEY,
  queued_at  timestamptz NOT NULL DEFAULT now(),
  -- A match held back by the member's daily number of notices waits until then.
  not_before timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX linkage_queue_due ON linkage_queue (not_before, queued_at);

CREATE FUNCTION linkage_entity_queued() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  INSERT INTO linkage_queue (entity_id) VALUES (NEW.id) ON CONFLICT (entity_id) DO UPDATE SET not_before = '-infinity';
  PERFORM pg_notify('lintas_linkage', '');
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION linkage_entity_queued() FROM PUBLIC;
CREATE TRIGGER linkage_entity_written AFTER INSERT ON linkage_entities FOR EACH ROW EXECUTE FUNCTION linkage_entity_queued();
-- A record whose audience changes may now match records it could not (or could) see.
CREATE TRIGGER linkage_entity_reshared AFTER UPDATE ON linkage_entities FOR EACH ROW
  WHEN (OLD.audience_kind IS DISTINCT FROM NEW.audience_kind OR OLD.audience_members IS DISTINCT FROM NEW.audience_members
    OR OLD.audience_groups IS DISTINCT FROM NEW.audience_groups OR OLD.named_in_hits IS DISTINCT FROM NEW.named_in_hits)
  EXECUTE FUNCTION linkage_entity_queued();

-- Hit notices (DESIGN.md §3, rule 4): member `told` holds records matching records of `holder` that it
-- may not see. One notice per told member, holder and key: once told, a member is not told again of
-- the same key, so neither later writes nor the over-linking guard say how many hold a value.
-- Each side reads the notice (row-level security below) and the service shows each only its own side.
CREATE TABLE linkage_notices (
  id             uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  told           text NOT NULL REFERENCES members (code),
  holder         text NOT NULL REFERENCES members (code),
  kind           text NOT NULL,
  key            text NOT NULL,
  -- The told member's records that match, and the holder's: each side is shown its own only.
  told_records   uuid[] NOT NULL,
  holder_records uuid[] NOT NULL,
  -- Whether the told member learns the holder's name (else "another member").
  holder_named   boolean NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (told, holder, kind, key),
  CHECK (told <> holder)
);
CREATE INDEX linkage_notices_holder ON linkage_notices (holder, id DESC);
CREATE INDEX linkage_notices_told ON linkage_notices (told, id DESC);
ALTER TABLE linkage_notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE linkage_notices FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON linkage_notices FOR SELECT
  USING (told = (SELECT current_setting('lintas.member', true)) OR holder = (SELECT current_setting('lintas.member', true)));
GRANT SELECT ON linkage_notices TO lintas_app;

-- Values the matcher does not tell of: held by more records than the guard allows ('common', for the
-- secretariat's review), known to be benign ('benign': the warning lists, which never link), or
-- reviewed and let through ('released'). Members never read this table; the secretariat does.
CREATE TABLE linkage_values (
  kind        text NOT NULL,
  key         text NOT NULL,
  status      text NOT NULL CHECK (status IN ('common', 'benign', 'released')),
  records     integer NOT NULL DEFAULT 0,
  note        text CHECK (length(note) <= 1000),
  flagged_at  timestamptz NOT NULL DEFAULT now(),
  decided_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  decided_at  timestamptz,
  PRIMARY KEY (kind, key)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON linkage_values TO lintas_app;

-- The secretariat lets a reviewed value through: its records are matched again.
CREATE FUNCTION linkage_requeue(wanted_kind text, wanted_key text) RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
  WITH queued AS (
    INSERT INTO linkage_queue (entity_id) SELECT e.id FROM linkage_entities e WHERE e.kind = wanted_kind AND e.key = wanted_key
    ON CONFLICT (entity_id) DO UPDATE SET not_before = '-infinity' RETURNING 1)
  SELECT count(*)::int FROM queued
$$;
REVOKE ALL ON FUNCTION linkage_requeue(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION linkage_requeue(text, text) TO lintas_app;

-- How many notices each member was given, and how many of its matches wait, by day: fishing shows.
CREATE FUNCTION linkage_notice_volume(days integer) RETURNS TABLE (member text, day date, notices integer, waiting integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  WITH given AS (
    SELECT told AS member, (created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS notices FROM linkage_notices
    WHERE created_at >= now() - make_interval(days => days) GROUP BY 1, 2
  ), held AS (
    SELECT e.owner AS member, (now() AT TIME ZONE 'UTC')::date AS day, count(*)::int AS waiting
    FROM linkage_queue q JOIN linkage_entities e ON e.id = q.entity_id WHERE q.not_before > now() GROUP BY 1
  )
  SELECT coalesce(g.member, h.member), coalesce(g.day, h.day), coalesce(g.notices, 0), coalesce(h.waiting, 0)
  FROM given g FULL JOIN held h ON h.member = g.member AND h.day = g.day
  ORDER BY 2 DESC, 3 DESC, 1
$$;
REVOKE ALL ON FUNCTION linkage_notice_volume(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION linkage_notice_volume(integer) TO lintas_app;

-- Step two: the member told of a match asks the holder what it may disclose; the holder's approvers
-- grant chosen fields of chosen records with chosen sharing, or refuse with a reason. Both sides read
-- a request (row-level security below); nobody else learns it exists.
CREATE TABLE linkage_requests (
  id             uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  notice_id      uuid NOT NULL REFERENCES linkage_notices (id),
  asker          text NOT NULL REFERENCES members (code),
  holder         text NOT NULL REFERENCES members (code),
  reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
  urgency        text NOT NULL CHECK (urgency IN ('routine', 'urgent', 'immediate')),
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'refused')),
  due_at         timestamptz NOT NULL,
  asked_by       uuid REFERENCES users (id) ON DELETE SET NULL,
  decided_by     uuid REFERENCES users (id) ON DELETE SET NULL,
  decided_at     timestamptz,
  refusal        text CHECK (length(refusal) <= 5000),
  reminded_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'refused') = (refusal IS NOT NULL)),
  CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX linkage_requests_holder ON linkage_requests (holder, status, due_at);
CREATE INDEX linkage_requests_asker ON linkage_requests (asker, id DESC);
ALTER TABLE linkage_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE linkage_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON linkage_requests FOR SELECT
  USING (asker = (SELECT current_setting('lintas.member', true)) OR holder = (SELECT current_setting('lintas.member', true)));
CREATE POLICY lintas_ask ON linkage_requests FOR INSERT WITH CHECK (asker = (SELECT current_setting('lintas.member', true)));
CREATE POLICY lintas_decide ON linkage_requests FOR UPDATE
  USING (holder = (SELECT current_setting('lintas.member', true))) WITH CHECK (holder = (SELECT current_setting('lintas.member', true)));
GRANT SELECT, INSERT, UPDATE ON linkage_requests TO lintas_app;

-- What a holder disclosed: the chosen fields of its records as they were, a record of the holder's
-- shared as it chose (the asker at least), filtered by the one sharing rule.
CREATE TABLE linkage_disclosures (
  id          uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  request_id  uuid NOT NULL REFERENCES linkage_requests (id),
  record_id   uuid NOT NULL,
  fields      jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now()
);
SELECT lintas_make_shareable('linkage_disclosures');
CREATE INDEX linkage_disclosures_request ON linkage_disclosures (request_id);
