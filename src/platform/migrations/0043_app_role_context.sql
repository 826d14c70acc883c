-- The application role's context (issue #27, "Secrets and the application role"): the member and
-- the user of a transaction are fixed when it begins, the audit trail takes rows only for them, and
-- the directory's users table refuses role changes the context's user may not make.
--
-- 1. A sealed context. Every application transaction's first statement (db/database.ts) calls
--    lintas_begin(member, user) before it switches to lintas_app: it sets `lintas.member` and
--    `lintas.user` and a seal over them, this backend and the transaction's start, keyed by a secret
--    the application role cannot read (lintas_secrets.context_key). A later
--    set_config('lintas.member', …) by the application role breaks the seal, and
--    lintas_context_intact() raises. It guards:
--    - every table under row-level security, through one restrictive policy `lintas_context`
--      (an initplan, so once per statement and table, not per row);
--    - every SECURITY DEFINER function that reads the member: `current_setting('lintas.member',
--      true)` in their bodies becomes lintas_member(), which checks first. (Policies written as
--      text read the setting directly; the restrictive policy on their table guards them.)
--    The application role has no grant on lintas_begin, so it cannot seal a member of its choice.
-- 2. audit_append refuses, to anyone but the owner of the audit trail, an entry whose member or
--    user is not the transaction's own. The group commit (audit/group-commit.ts) writes many
--    members' rows in one statement as the owner.
-- 3. users: the application role may change a user's roles, disabled flag, e-mail or name only as
--    the secretariat or a member-admin of that user's member (its own user's name and time zone
--    too), grant only roles its user holds (the secretariat any), never move a user to another member, never turn the
--    second factor on or off (the definer functions of 0044 do), and never delete a user.
--
-- Limit: the connection's login role can always RESET ROLE. These walls stop a bug in a query run
-- as the application role, not SQL injected with arbitrary statements on a connection that logs in
-- as the owner (docs/ARCHITECTURE.md, "The application role").

CREATE SCHEMA IF NOT EXISTS lintas_secrets;
REVOKE ALL ON SCHEMA lintas_secrets FROM PUBLIC;

-- Two random keys, made once per database (a copied database keeps them).
CREATE TABLE lintas_secrets.context_key (
  only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  inner_key bytea NOT NULL,
  outer_key bytea NOT NULL
);
INSERT INTO lintas_secrets.context_key (inner_key, outer_key) VALUES (
  sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')),
  sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')));

-- The seal of a member and user in this transaction (nested SHA-256 with two keys; the transaction's
-- start in seconds since the epoch, so no setting the application may change alters it).
CREATE FUNCTION lintas_context_seal(member text, user_id text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  k lintas_secrets.context_key;
BEGIN
  SELECT * INTO k FROM lintas_secrets.context_key;
  RETURN encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(
    concat_ws('|', coalesce(member, ''), coalesce(user_id, ''), pg_backend_pid(), extract(epoch FROM now())), 'UTF8'))), 'hex');
END
$$;
REVOKE ALL ON FUNCTION lintas_context_seal(text, text) FROM PUBLIC;

-- The first call of every application transaction, made before it switches to the application role.
CREATE FUNCTION lintas_begin(member text, user_id text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM set_config('lintas.member', coalesce(member, ''), true);
  PERFORM set_config('lintas.user', coalesce(user_id, ''), true);
  PERFORM set_config('lintas.seal', lintas_context_seal(member, user_id), true);
END
$$;
REVOKE ALL ON FUNCTION lintas_begin(text, text) FROM PUBLIC;

-- True when the member and user are the ones the transaction began with (or none was ever set,
-- as in the owner's transactions); raises otherwise. Every statement on a table under row-level
-- security calls it once, so it is written for speed: the seal computed in place rather than
-- through lintas_context_seal, and no SET search_path (whose save and restore on every call cost
-- as much as the rest): its one table is named with its schema, and the application role can
-- create nothing that the built-in functions it calls could be mistaken for.
CREATE FUNCTION lintas_context_intact() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
DECLARE
  member text := coalesce(current_setting('lintas.member', true), '');
  user_id text := coalesce(current_setting('lintas.user', true), '');
  seal text := coalesce(current_setting('lintas.seal', true), '');
  k lintas_secrets.context_key;
BEGIN
  IF seal = '' THEN
    IF member = '' AND user_id = '' THEN
      RETURN true;
    END IF;
  ELSE
    SELECT * INTO k FROM lintas_secrets.context_key;
    IF seal = encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(
         concat_ws('|', member, user_id, pg_backend_pid(), extract(epoch FROM now())), 'UTF8'))), 'hex') THEN
      RETURN true;
    END IF;
  END IF;
  RAISE EXCEPTION 'the member or user of this transaction was changed after it began'
    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The member of this transaction, checked (NULL in the owner's transactions, as the setting was).
CREATE FUNCTION lintas_member() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM lintas_context_intact();
  RETURN current_setting('lintas.member', true);
END
$$;

-- The user of this transaction, checked; NULL when there is none.
CREATE FUNCTION lintas_user() RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM lintas_context_intact();
  RETURN nullif(current_setting('lintas.user', true), '')::uuid;
END
$$;
REVOKE ALL ON FUNCTION lintas_context_intact(), lintas_member(), lintas_user() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_context_intact(), lintas_member(), lintas_user() TO lintas_app;

-- Whether the role calling (the role set with SET ROLE, else the login) owns the platform's tables
-- or is a superuser: only it writes for any member.
CREATE FUNCTION lintas_caller_is_owner() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce((
    SELECT r.rolsuper OR r.oid = (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass)
    FROM pg_roles r
    WHERE r.rolname = CASE coalesce(current_setting('role', true), 'none') WHEN 'none' THEN session_user::text ELSE current_setting('role', true) END), false)
$$;
REVOKE ALL ON FUNCTION lintas_caller_is_owner() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_caller_is_owner() TO lintas_app;

-- 1. The restrictive policy on every table under row-level security, and on those made shareable later.
DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN
    SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relrowsecurity
  LOOP
    EXECUTE format('CREATE POLICY lintas_context ON %s AS RESTRICTIVE FOR ALL USING ((SELECT lintas_context_intact())) WITH CHECK ((SELECT lintas_context_intact()))', t);
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION lintas_make_shareable(target regclass) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  t text := target::text;
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
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY lintas_see ON %s FOR SELECT USING (%s)', t, lintas_visible_sql());
  EXECUTE format('CREATE POLICY lintas_add ON %s FOR INSERT WITH CHECK (owner = current_setting(%L, true))', t, 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_change ON %s FOR UPDATE USING (owner = current_setting(%L, true)) WITH CHECK (owner = current_setting(%L, true))', t, 'lintas.member', 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_remove ON %s FOR DELETE USING (owner = current_setting(%L, true))', t, 'lintas.member');
  EXECUTE format('CREATE POLICY lintas_context ON %s AS RESTRICTIVE FOR ALL USING ((SELECT lintas_context_intact())) WITH CHECK ((SELECT lintas_context_intact()))', t);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO lintas_app', t);
END
$fn$;

-- The definer functions that read the member read it checked. Their definitions are written again
-- with lintas_member() in place of the setting; owner, grants and everything else stay.
DO $$
DECLARE
  f oid;
BEGIN
  FOR f IN
    SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.prosecdef AND p.prosrc LIKE '%current_setting(''lintas.member'', true)%'
      AND p.proname NOT IN ('lintas_member', 'lintas_context_intact')
  LOOP
    EXECUTE replace(pg_get_functiondef(f), 'current_setting(''lintas.member'', true)', 'lintas_member()');
  END LOOP;
END
$$;

-- 2. The audit trail takes, from anyone but its owner, only rows of the transaction's member and user.
CREATE OR REPLACE FUNCTION audit_append(entries jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  lanes constant int := 8;
  start int := floor(random() * lanes)::int;
  chosen smallint;
  head audit_lanes;
  e record;
  r audit_log;
  batch audit_log[] := '{}';
  n int := 0;
  own_member text;
  own_user uuid;
BEGIN
  IF NOT lintas_caller_is_owner() THEN
    own_member := nullif(lintas_member(), '');
    own_user := lintas_user();
    IF EXISTS (SELECT 1 FROM jsonb_to_recordset(entries) AS x (member text, "userId" uuid)
               WHERE x.member IS DISTINCT FROM own_member OR x."userId" IS DISTINCT FROM own_user) THEN
      RAISE EXCEPTION 'an audit row must name the member and user of its transaction'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
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
  FOR e IN
    SELECT * FROM jsonb_to_recordset(entries) AS x(
      "userId" uuid, member text, action text, "objectType" text, "objectId" text, "objectOwner" text,
      "objectOwners" text[], purpose text, "requestId" text, address text, details jsonb)
  LOOP
    n := n + 1;
    r.seq := nextval('audit_log_seq_seq');
    r.lane := chosen;
    r.lane_seq := head.last_seq + 1;
    r.at := clock_timestamp();
    r.user_id := e."userId";
    r.member := e.member;
    r.action := e.action;
    r.object_type := e."objectType";
    r.object_id := e."objectId";
    r.object_owner := e."objectOwner";
    r.object_owners := coalesce(e."objectOwners", '{}');
    r.purpose := e.purpose;
    r.request_id := e."requestId";
    r.address := e.address;
    r.details := coalesce(e.details, '{}');
    r.prev_hash := head.last_hash;
    r.hash := sha256(r.prev_hash || audit_canonical(r));
    batch[n] := r;
    head.last_seq := r.lane_seq;
    head.last_hash := r.hash;
  END LOOP;
  INSERT INTO audit_log SELECT * FROM unnest(batch);
  UPDATE audit_lanes SET last_seq = head.last_seq, last_hash = head.last_hash WHERE lane = chosen;
END
$$;

-- 3. Users. Whether the transaction's user administers a member's users: the secretariat any,
-- a member-admin its own member's.
CREATE FUNCTION lintas_user_administers(target_member text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN EXISTS (
    SELECT 1 FROM users u
    WHERE u.id = lintas_user() AND NOT u.disabled AND u.member = lintas_member()
      AND ('secretariat' = ANY (u.roles) OR ('member-admin' = ANY (u.roles) AND u.member = target_member)));
END
$$;
REVOKE ALL ON FUNCTION lintas_user_administers(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_user_administers(text) TO lintas_app;

-- The roles of the transaction's user (what it may grant; the secretariat grants any).
CREATE FUNCTION lintas_user_roles() RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN coalesce((SELECT roles FROM users WHERE id = lintas_user() AND NOT disabled), '{}');
END
$$;

CREATE FUNCTION lintas_user_may_grant(roles text[]) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT 'secretariat' = ANY (lintas_user_roles()) OR roles <@ lintas_user_roles()
$$;
REVOKE ALL ON FUNCTION lintas_user_roles() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_user_roles() TO lintas_app;

-- Runs as the role that changes the row (no SECURITY DEFINER): the owner, in its own transactions or
-- in the definer functions of 0044, passes.
CREATE FUNCTION users_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT r.rolsuper OR r.oid = (SELECT relowner FROM pg_class WHERE oid = 'public.users'::regclass) FROM pg_roles r WHERE r.rolname = current_user) THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NOT lintas_user_administers(NEW.member) OR NOT lintas_user_may_grant(NEW.roles) OR NEW.totp_enabled THEN
      RAISE EXCEPTION 'the application may add only users its user administers, with roles its user holds'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.member IS DISTINCT FROM OLD.member OR NEW.totp_enabled IS DISTINCT FROM OLD.totp_enabled THEN
    RAISE EXCEPTION 'a user''s member and second factor are not the application''s to change'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.roles IS DISTINCT FROM OLD.roles OR NEW.disabled IS DISTINCT FROM OLD.disabled OR NEW.email IS DISTINCT FROM OLD.email
     OR OLD.id IS DISTINCT FROM lintas_user() THEN
    IF NOT lintas_user_administers(OLD.member) OR NOT lintas_user_may_grant(ARRAY(SELECT unnest(NEW.roles) EXCEPT SELECT unnest(OLD.roles))) THEN
      RAISE EXCEPTION 'the application may change only users its user administers, granting only roles its user holds'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER users_guard BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_guard();
REVOKE DELETE ON users FROM lintas_app;
