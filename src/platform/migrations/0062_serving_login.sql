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
-- 1. The process's key (two parts, as the seal's: a nested SHA-256), made once per database, beside
--    the seal's keys in lintas_secrets.context_key.
-- 2. lintas_session_open(): once per connection, a temporary sequence owned by the owner, its last
--    count a random 60-bit value; the process is told its oid and that count. The application role
--    may not read it or move it. A statement that drops it (DISCARD TEMP) and makes its own makes
--    one with another oid and another owner, which lintas_begin_proven refuses; the process then
--    closes the connection.
-- 3. lintas_begin_proven(member, user, counter, count, proof): checks the proof (over the member,
--    the user, the backend, the counter and the count), that the counter is the session's and the
--    count above its last; spends the count and seals the context as lintas_begin does.
-- 4. Every definer function looks for tables in the temporary schema last: a temporary table of the
--    caller's named as one of the platform's (audit_log, users) must not be what a definer reads or
--    writes. (PostgreSQL searches pg_temp first unless it is named in search_path.) The
--    application's own statements get the same search path in every transaction's first statement
--    (db/database.ts), so a temporary table left on a pooled connection shadows nothing either.

ALTER TABLE lintas_secrets.context_key
  ADD COLUMN process_inner_key bytea NOT NULL
    DEFAULT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')),
  ADD COLUMN process_outer_key bytea NOT NULL
    DEFAULT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8'));
ALTER TABLE lintas_secrets.context_key ALTER COLUMN process_inner_key DROP DEFAULT, ALTER COLUMN process_outer_key DROP DEFAULT;

-- The connection's session: its counter, and the count it starts from (the last spent).
CREATE FUNCTION lintas_session_open(OUT counter oid, OUT last bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF to_regclass('pg_temp.lintas_session') IS NOT NULL THEN
    RAISE EXCEPTION 'this connection''s session is already open'
      USING ERRCODE = 'invalid_authorization_specification';
  END IF;
  last := ('x' || substr(md5(gen_random_uuid()::text || gen_random_uuid()::text), 1, 15))::bit(60)::bigint + 1;
  CREATE TEMPORARY SEQUENCE pg_temp.lintas_session AS bigint;
  counter := 'pg_temp.lintas_session'::regclass;
  PERFORM setval(counter, last, true);
END
$$;

-- Seals the member and user with the process's proof for this connection's counter (named by the
-- oid its session was opened with, which the proof covers: a counter a statement made in its
-- place after DISCARD TEMP has another) at count n, which must be above every count it spent (a
-- count the process skipped, when a text holding its begin was refused whole, is simply never
-- used). Every transaction on the serving login begins with it, so it is one function without
-- nested definer calls, its keys in one row, the seal lintas_begin's computed in place.
CREATE FUNCTION lintas_begin_proven(member text, user_id text, counter oid, n bigint, proof text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  k lintas_secrets.context_key;
  m text := coalesce(member, '');
  u text := coalesce(user_id, '');
BEGIN
  SELECT * INTO k FROM lintas_secrets.context_key;
  IF proof IS DISTINCT FROM encode(sha256(k.process_outer_key || sha256(k.process_inner_key || convert_to(
       concat_ws('|', m, u, pg_backend_pid(), counter, n), 'UTF8'))), 'hex') THEN
    RAISE EXCEPTION 'the member and user of this transaction were not proven by the serving process'
      USING ERRCODE = 'invalid_authorization_specification';
  END IF;
  -- Proven for this counter: it must still be this session's, the owner's (a statement may have dropped it).
  PERFORM FROM pg_catalog.pg_class r
  WHERE r.oid = counter AND r.relkind = 'S' AND r.relnamespace = pg_catalog.pg_my_temp_schema() AND r.relowner = current_user::regrole;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'this connection has no session of the serving process'
      USING ERRCODE = 'invalid_authorization_specification';
  END IF;
  IF n <= pg_sequence_last_value(counter::regclass) THEN
    RAISE EXCEPTION 'this proof''s count was spent on this connection already'
      USING ERRCODE = 'invalid_authorization_specification';
  END IF;
  PERFORM setval(counter::regclass, n, true);
  PERFORM set_config('lintas.member', m, true);
  PERFORM set_config('lintas.user', u, true);
  PERFORM set_config('lintas.seal', encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(
    concat_ws('|', m, u, pg_backend_pid(), extract(epoch FROM now())), 'UTF8'))), 'hex'), true);
END
$$;

-- Spends every count of the connection's counter up to n (after a failed transaction, whose begin
-- may not have run: a proof for it that a statement saw go by is then spent too). Only ever raises it.
CREATE FUNCTION lintas_session_spend(n bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  counter regclass := to_regclass('pg_temp.lintas_session');
BEGIN
  IF counter IS NOT NULL AND (SELECT r.relowner FROM pg_catalog.pg_class r WHERE r.oid = counter) = current_user::regrole
     AND n > pg_sequence_last_value(counter) THEN
    PERFORM setval(counter, n, true);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION lintas_session_open(), lintas_begin_proven(text, text, oid, bigint, text), lintas_session_spend(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_session_open(), lintas_begin_proven(text, text, oid, bigint, text), lintas_session_spend(bigint) TO lintas_app;

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
