-- The serving login (issue #27, "Secrets and the application role"): on a PostgreSQL server the
-- requests' transactions may run on a connection that logs in as a role that is only a member of
-- lintas_app (DATABASE_APP_URL), so that a statement on it can no longer RESET ROLE to the owner.
-- Such a connection cannot call lintas_begin (granted to no one), so it seals its member and user
-- with lintas_begin_proven: the process proves them with a key of its own, read once through its
-- owner's connection, over the member, the user, the backend and a count the connection never
-- accepts twice. A statement run on the connection (a bug, or SQL injected into a request's query) does
-- not know the key, and a proof it saw go by (pg_stat_activity shows a login's other connections'
-- statements) is for another backend, or for a count already used.
--
-- 1. The process's key (two parts, as the seal's: a nested SHA-256), made once per database.
-- 2. lintas_session_open(): once per connection, a temporary sequence owned by the owner, started at
--    a random 60-bit value the process is told: the last count spent. The application role may not
--    read it or move it. A statement that drops it (DISCARD TEMP) and makes its own leaves one the
--    owner does not own, which lintas_begin_proven refuses; the process then closes the connection.
-- 3. lintas_begin_proven(member, user, count, proof): the count must be above the last spent; checks
--    the proof, spends the count and seals the context as lintas_begin does.
-- 4. Every definer function looks for tables in the temporary schema last: a temporary table of the
--    caller's named as one of the platform's (audit_log, users) must not be what a definer reads or
--    writes. (PostgreSQL searches pg_temp first unless it is named in search_path.) The
--    application's own statements get the same search path in every transaction's first statement
--    (db/database.ts), so a temporary table left on a pooled connection shadows nothing either.

CREATE TABLE lintas_secrets.process_key (
  only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  inner_key bytea NOT NULL,
  outer_key bytea NOT NULL
);
INSERT INTO lintas_secrets.process_key (inner_key, outer_key) VALUES (
  sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')),
  sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')));

CREATE FUNCTION lintas_session_open() RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  start bigint := ('x' || substr(md5(gen_random_uuid()::text || gen_random_uuid()::text), 1, 15))::bit(60)::bigint + 1;
BEGIN
  IF to_regclass('pg_temp.lintas_session') IS NOT NULL THEN
    RAISE EXCEPTION 'this connection''s session is already open'
      USING ERRCODE = 'invalid_authorization_specification';
  END IF;
  EXECUTE format('CREATE TEMPORARY SEQUENCE pg_temp.lintas_session AS bigint START WITH %s', start);
  RETURN start;
END
$$;

-- The connection's last spent count, when the session is the owner's; raises otherwise.
CREATE FUNCTION lintas_session_last() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  counter regclass := to_regclass('pg_temp.lintas_session');
  last bigint;
BEGIN
  IF counter IS NULL OR (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = counter)
                        IS DISTINCT FROM (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RAISE EXCEPTION 'this connection has no session of the serving process'
      USING ERRCODE = 'invalid_authorization_specification';
  END IF;
  SELECT last_value INTO last FROM pg_temp.lintas_session;
  RETURN last;
END
$$;

-- Seals the member and user with the process's proof for count n, which must be above every count
-- the connection spent (a count the process skipped, when a text holding its begin was refused
-- whole, is simply never used).
CREATE FUNCTION lintas_begin_proven(member text, user_id text, n bigint, proof text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  k lintas_secrets.process_key;
BEGIN
  IF n IS NULL OR n <= lintas_session_last() THEN
    RAISE EXCEPTION 'this proof''s count was spent on this connection already'
      USING ERRCODE = 'invalid_authorization_specification';
  END IF;
  SELECT * INTO k FROM lintas_secrets.process_key;
  IF proof IS DISTINCT FROM encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(
       concat_ws('|', coalesce(member, ''), coalesce(user_id, ''), pg_backend_pid(), n), 'UTF8'))), 'hex') THEN
    RAISE EXCEPTION 'the member and user of this transaction were not proven by the serving process'
      USING ERRCODE = 'invalid_authorization_specification';
  END IF;
  PERFORM setval('pg_temp.lintas_session', n, true);
  PERFORM lintas_begin(member, user_id);
END
$$;

-- Spends every count up to n (after a failed transaction, whose begin may not have run: a proof for
-- it that a statement saw go by is then spent too). Only ever raises the count.
CREATE FUNCTION lintas_session_spend(n bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF n > lintas_session_last() THEN
    PERFORM setval('pg_temp.lintas_session', n, true);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION lintas_session_open(), lintas_session_last(), lintas_begin_proven(text, text, bigint, text), lintas_session_spend(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_session_open(), lintas_begin_proven(text, text, bigint, text), lintas_session_spend(bigint) TO lintas_app;

-- 4. The temporary schema last for every definer function of the platform's schema.
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.prosecdef
      AND NOT coalesce('search_path=public, pg_temp' = ANY (p.proconfig), false)
      AND p.proname <> 'lintas_context_intact'
  LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = public, pg_temp', f);
  END LOOP;
END
$$;
