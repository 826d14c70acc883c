-- The platform: the application role, the directory, sign-in, the sharing rule's SQL side,
-- the audit trail, the outbox and the inbox.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lintas_app') THEN
    CREATE ROLE lintas_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  -- The schema owner must be able to switch to the application role in each transaction.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT lintas_app TO %I', current_user);
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO lintas_app;

-- Directory ------------------------------------------------------------------------------------

CREATE TABLE members (
  code          text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind          text NOT NULL CHECK (kind IN ('state', 'organisation')),
  status        text NOT NULL CHECK (status IN ('member', 'observer')),
  requires_totp boolean NOT NULL DEFAULT false,
  agencies      text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sharing_groups (
  code       text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  chair      text REFERENCES members (code),
  ends_on    date,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
  group_code  text NOT NULL REFERENCES sharing_groups (code) ON DELETE CASCADE,
  member_code text NOT NULL REFERENCES members (code),
  PRIMARY KEY (group_code, member_code)
);
CREATE INDEX group_members_member ON group_members (member_code);

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  member         text NOT NULL REFERENCES members (code),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email          text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  password_hash  text,
  roles          text[] NOT NULL DEFAULT '{}' CHECK (roles <@ ARRAY['officer', 'analyst', 'liaison', 'approver', 'member-admin', 'secretariat']),
  totp_secret    text,
  totp_enabled   boolean NOT NULL DEFAULT false,
  totp_last_step bigint NOT NULL DEFAULT 0,
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (email)
);
CREATE INDEX users_member ON users (member);

CREATE TABLE focal_points (
  member  text NOT NULL REFERENCES members (code),
  topic   text NOT NULL CHECK (topic IN ('general', 'reports', 'documents', 'linkage', 'biometrics', 'bulletins', 'statistics', 'events', 'roadmap', 'library')),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (member, topic, user_id)
);

-- Sign-in ----------------------------------------------------------------------------------------

CREATE TABLE recovery_codes (
  user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at   timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
  id_hash       bytea PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  -- 'totp': waits for the second factor; 'enrol': must enrol one first; 'full': signed in.
  stage         text NOT NULL CHECK (stage IN ('totp', 'enrol', 'full')),
  address       text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash   bytea NOT NULL UNIQUE,
  roles        text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE signin_failures (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  email   text NOT NULL,
  address text NOT NULL
);
CREATE INDEX signin_failures_email ON signin_failures (email, at);
CREATE INDEX signin_failures_address ON signin_failures (address, at);

CREATE TABLE password_resets (
  token_hash bytea PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);

GRANT SELECT, INSERT, UPDATE, DELETE ON members, sharing_groups, group_members, users, focal_points,
  recovery_codes, sessions, api_tokens, signin_failures, password_resets TO lintas_app;
GRANT USAGE ON SEQUENCE signin_failures_id_seq TO lintas_app;

-- The sharing rule ---------------------------------------------------------------------------------

-- The groups that currently grant visibility to the member of this transaction.
CREATE FUNCTION lintas_member_groups() RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce(array_agg(gm.group_code), '{}')
  FROM group_members gm JOIN sharing_groups g ON g.code = gm.group_code
  WHERE gm.member_code = current_setting('lintas.member', true)
    AND (g.ends_on IS NULL OR g.ends_on >= current_date)
$$;

-- Whether the member of this transaction is a full member (observers do not see audience `all`).
CREATE FUNCTION lintas_member_is_full() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce((SELECT status = 'member' FROM members WHERE code = current_setting('lintas.member', true)), false)
$$;

GRANT EXECUTE ON FUNCTION lintas_member_groups(), lintas_member_is_full() TO lintas_app;

/*
 * Declares a table shareable: adds the sharing fields with their checks and indexes, turns on
 * row-level security with FORCE, writes the policies (see, and write only as owner) and grants
 * the application role. Modules call this; none writes policies by hand.
 */
CREATE FUNCTION lintas_make_shareable(target regclass) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  t text := target::text;
  visible text := $v$
    owner = current_setting('lintas.member', true)
    OR (audience_kind = 'all' AND (SELECT lintas_member_is_full()))
    OR audience_members @> ARRAY[current_setting('lintas.member', true)]
    OR audience_groups && (SELECT lintas_member_groups())
  $v$;
BEGIN
  EXECUTE format($f$
    ALTER TABLE %1$s
      ADD COLUMN owner text NOT NULL REFERENCES members (code),
      ADD COLUMN audience_kind text NOT NULL DEFAULT 'owner' CHECK (audience_kind IN ('owner', 'members', 'groups', 'all')),
      ADD COLUMN audience_members text[] NOT NULL DEFAULT '{}',
      ADD COLUMN audience_groups text[] NOT NULL DEFAULT '{}',
      ADD COLUMN tlp text NOT NULL DEFAULT 'AMBER' CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
      ADD COLUMN handling text[] NOT NULL DEFAULT '{}' CHECK (handling <@ ARRAY['H0', 'H1', 'H2', 'H3']),
      ADD COLUMN handling_note text CHECK (length(handling_note) <= 1000),
      ADD COLUMN evaluation_source text CHECK (evaluation_source IN ('A', 'B', 'C', 'X')),
      ADD COLUMN evaluation_information text CHECK (evaluation_information IN ('1', '2', '3', '4')),
      ADD CONSTRAINT %2$I CHECK (
        (audience_kind = 'members') = (cardinality(audience_members) > 0)
        AND (audience_kind = 'groups') = (cardinality(audience_groups) > 0)
        AND (tlp <> 'RED' OR audience_kind IN ('owner', 'members'))
        AND (('H3' = ANY (handling)) = (handling_note IS NOT NULL))
      )
  $f$, t, replace(t, '.', '_') || '_sharing');
  EXECUTE format('CREATE INDEX %I ON %s (owner)', replace(t, '.', '_') || '_owner', t);
  EXECUTE format('CREATE INDEX %I ON %s USING gin (audience_members)', replace(t, '.', '_') || '_audience_members', t);
  EXECUTE format('CREATE INDEX %I ON %s USING gin (audience_groups)', replace(t, '.', '_') || '_audience_groups', t);
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY lintas_see ON %s FOR SELECT USING (%s)', t, visible);
  EXECUTE format('CREATE POLICY lintas_add ON %s FOR INSERT WITH CHECK (owner = current_setting(%L, true))', t, 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_change ON %s FOR UPDATE USING (owner = current_setting(%L, true)) WITH CHECK (owner = current_setting(%L, true))', t, 'lintas.member', 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_remove ON %s FOR DELETE USING (owner = current_setting(%L, true))', t, 'lintas.member');
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO lintas_app', t);
END
$fn$;

-- The audit trail -----------------------------------------------------------------------------------

/*
 * One append-only table. Rows are appended in lanes (several hash chains, so concurrent
 * transactions need not wait on one lock through their commits); each row holds the hash of the
 * previous row of its lane and of its own canonical content.
 */
CREATE TABLE audit_log (
  seq          bigserial PRIMARY KEY,
  lane         smallint NOT NULL,
  lane_seq     bigint NOT NULL,
  at           timestamptz NOT NULL,
  user_id      uuid,
  member       text,
  action       text NOT NULL,
  object_type  text,
  object_id    text,
  object_owner text,
  -- A list, search or export reads many owners' records in one act: one row, naming each owner.
  object_owners text[] NOT NULL DEFAULT '{}',
  purpose      text,
  request_id   text,
  address      text,
  details      jsonb NOT NULL DEFAULT '{}',
  prev_hash    bytea NOT NULL,
  hash         bytea NOT NULL,
  UNIQUE (lane, lane_seq)
);
CREATE INDEX audit_log_object_owner ON audit_log (object_owner, seq) WHERE object_owner IS NOT NULL;
CREATE INDEX audit_log_object_owners ON audit_log USING gin (object_owners) WHERE object_owners <> '{}';
CREATE INDEX audit_log_member ON audit_log (member, seq);

CREATE TABLE audit_lanes (
  lane      smallint PRIMARY KEY,
  last_seq  bigint NOT NULL,
  last_hash bytea NOT NULL
);

CREATE FUNCTION audit_genesis(lane smallint) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256(convert_to('lintas audit lane ' || lane, 'UTF8'))
$$;

INSERT INTO audit_lanes (lane, last_seq, last_hash)
SELECT l, 0, audit_genesis(l::smallint) FROM generate_series(0, 7) AS l;

-- The canonical content of a row: every field but the hashes, unambiguous (NULL is not '').
CREATE FUNCTION audit_canonical(a audit_log) RETURNS bytea LANGUAGE sql STABLE AS $$
  SELECT convert_to(concat_ws('|',
    a.seq, a.lane, a.lane_seq,
    to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    quote_nullable(a.user_id::text), quote_nullable(a.member), quote_literal(a.action),
    quote_nullable(a.object_type), quote_nullable(a.object_id), quote_nullable(a.object_owner), quote_literal(a.object_owners::text),
    quote_nullable(a.purpose), quote_nullable(a.request_id), quote_nullable(a.address),
    quote_literal(a.details::text)), 'UTF8')
$$;

-- Appends entries (a JSON array of objects) to one lane, hashing each onto the lane's chain.
CREATE FUNCTION audit_append(entries jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  lanes constant int := 8;
  start int := floor(random() * lanes)::int;
  chosen smallint;
  head audit_lanes;
  entry jsonb;
  r audit_log;
BEGIN
  FOR i IN 0 .. lanes - 1 LOOP
    IF pg_try_advisory_xact_lock(7412, (start + i) % lanes) THEN
      chosen := (start + i) % lanes;
      EXIT;
    END IF;
  END LOOP;
  IF chosen IS NULL THEN
    chosen := start;
    PERFORM pg_advisory_xact_lock(7412, chosen);
  END IF;
  SELECT * INTO head FROM audit_lanes WHERE lane = chosen FOR UPDATE;
  FOR entry IN SELECT value FROM jsonb_array_elements(entries) LOOP
    r.seq := nextval('audit_log_seq_seq');
    r.lane := chosen;
    r.lane_seq := head.last_seq + 1;
    r.at := clock_timestamp();
    r.user_id := (entry ->> 'userId')::uuid;
    r.member := entry ->> 'member';
    r.action := entry ->> 'action';
    r.object_type := entry ->> 'objectType';
    r.object_id := entry ->> 'objectId';
    r.object_owner := entry ->> 'objectOwner';
    r.object_owners := coalesce(ARRAY(SELECT jsonb_array_elements_text(entry -> 'objectOwners')), '{}');
    r.purpose := entry ->> 'purpose';
    r.request_id := entry ->> 'requestId';
    r.address := entry ->> 'address';
    r.details := coalesce(entry -> 'details', '{}'::jsonb);
    r.prev_hash := head.last_hash;
    r.hash := sha256(r.prev_hash || audit_canonical(r));
    INSERT INTO audit_log SELECT r.*;
    head.last_seq := r.lane_seq;
    head.last_hash := r.hash;
  END LOOP;
  UPDATE audit_lanes SET last_seq = head.last_seq, last_hash = head.last_hash WHERE lane = chosen;
END
$$;

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The application reads the rows of its own member's acts and of reads of its records; it appends
-- only through audit_append and can neither change nor remove a row.
-- Not FORCEd: the owner appends through audit_append (SECURITY DEFINER) without needing BYPASSRLS.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_see ON audit_log FOR SELECT
  USING (member = current_setting('lintas.member', true) OR object_owner = current_setting('lintas.member', true)
         OR object_owners @> ARRAY[current_setting('lintas.member', true)]);
GRANT SELECT ON audit_log TO lintas_app;
REVOKE ALL ON FUNCTION audit_append(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append(jsonb) TO lintas_app;

-- Notifications -------------------------------------------------------------------------------------

-- The durable outbox: rows written in the same transaction as the act, delivered after commit.
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  channel         text NOT NULL CHECK (channel IN ('email')),
  payload         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  last_error      text
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON outbox TO lintas_app;
GRANT USAGE ON SEQUENCE outbox_id_seq TO lintas_app;

-- The in-app inbox. A notification copies the access fields of the record it is about.
CREATE TABLE notifications (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind        text NOT NULL,
  title       text NOT NULL,
  body        text NOT NULL DEFAULT '',
  object_type text,
  object_id   text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz
);
SELECT lintas_make_shareable('notifications');
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);
-- The recipient marks a notification read; the owner of its source does not.
DROP POLICY lintas_change ON notifications;
CREATE POLICY lintas_change ON notifications FOR UPDATE
  USING (user_id IN (SELECT id FROM users WHERE member = current_setting('lintas.member', true)));
