-- Authentication secrets out of the application role's reach (issue #27).
--
-- Sessions, API tokens, recovery codes, password links, failed sign-ins and each user's password hash
-- and TOTP secret move to the schema lintas_secrets, on which the application role has no right at
-- all. It reaches them only through the definer functions below, each of which returns only what
-- its one caller needs:
-- - by a secret the caller was handed (a cookie's or token's hash, a link's hash): the session, the
--   token's user and scope, the link's user;
-- - for the transaction's own user (`lintas.user`, sealed by 0043): its password hash to check the
--   current password, its TOTP secret to check a code, its tokens, its sessions;
-- - by e-mail address, for sign-in only: the one account's password hash (Argon2id, checked in
--   the server's process). This is the one read a bug could repeat for other addresses.
-- Ending another user's sessions or sending another user a password link needs the transaction's
-- user to administer that user's member (lintas_user_administers, 0043). The owner's transactions
-- (commands, seeding) may do what the functions do for any user.

ALTER TABLE sessions SET SCHEMA lintas_secrets;
ALTER TABLE api_tokens SET SCHEMA lintas_secrets;
ALTER TABLE recovery_codes SET SCHEMA lintas_secrets;
ALTER TABLE password_resets SET SCHEMA lintas_secrets;
ALTER TABLE signin_failures SET SCHEMA lintas_secrets;
REVOKE ALL ON lintas_secrets.sessions, lintas_secrets.api_tokens, lintas_secrets.recovery_codes,
  lintas_secrets.password_resets, lintas_secrets.signin_failures FROM PUBLIC, lintas_app;
REVOKE ALL ON SEQUENCE lintas_secrets.signin_failures_id_seq FROM PUBLIC, lintas_app;

CREATE TABLE lintas_secrets.user_secrets (
  user_id        uuid PRIMARY KEY REFERENCES public.users (id) ON DELETE CASCADE,
  password_hash  text,
  totp_secret    text,
  totp_last_step bigint NOT NULL DEFAULT 0
);
INSERT INTO lintas_secrets.user_secrets (user_id, password_hash, totp_secret, totp_last_step)
SELECT id, password_hash, totp_secret, totp_last_step FROM users;
ALTER TABLE users DROP COLUMN password_hash, DROP COLUMN totp_secret, DROP COLUMN totp_last_step;

-- Every user has its row of secrets (empty until a password is set).
CREATE FUNCTION users_secrets_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  INSERT INTO lintas_secrets.user_secrets (user_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION users_secrets_row() FROM PUBLIC;
CREATE TRIGGER users_secrets_row AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_secrets_row();

-- Sign-in ------------------------------------------------------------------------------------------

-- The enabled account of an e-mail address, with what sign-in decides on.
CREATE FUNCTION auth_sign_in_candidate(wanted_email text)
RETURNS TABLE (id uuid, member text, password_hash text, totp_enabled boolean, requires_totp boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT u.id, u.member, s.password_hash, u.totp_enabled, m.requires_totp
  FROM users u JOIN members m ON m.code = u.member JOIN lintas_secrets.user_secrets s ON s.user_id = u.id
  WHERE u.email = wanted_email AND NOT u.disabled
$$;

-- Recent failed sign-ins of an address and an account.
CREATE FUNCTION auth_sign_in_failures(wanted_email text, wanted_address text, minutes int)
RETURNS TABLE (by_email int, by_address int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT count(*) FILTER (WHERE email = wanted_email)::int, count(*) FILTER (WHERE address = wanted_address)::int
  FROM lintas_secrets.signin_failures
  WHERE at > now() - make_interval(mins => minutes) AND (email = wanted_email OR address = wanted_address)
$$;

CREATE FUNCTION auth_sign_in_failed(wanted_email text, wanted_address text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  INSERT INTO lintas_secrets.signin_failures (email, address) VALUES (wanted_email, wanted_address)
$$;

-- Sessions -----------------------------------------------------------------------------------------

-- A live session of an enabled user, by the hash of its cookie.
CREATE FUNCTION auth_session(wanted_hash bytea) RETURNS TABLE (user_id uuid, stage text, csrf_token text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.user_id, s.stage, s.csrf_token
  FROM lintas_secrets.sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id_hash = wanted_hash AND s.expires_at > now() AND NOT u.disabled
$$;

-- Opens a session for the transaction's user.
CREATE FUNCTION auth_session_open(target uuid, id_hash bytea, csrf_token text, stage text, address text, hours int) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  me uuid := lintas_user();
BEGIN
  IF NOT lintas_caller_is_owner() AND (me IS DISTINCT FROM target OR NOT EXISTS (SELECT 1 FROM users WHERE id = me AND NOT disabled)) THEN
    RAISE EXCEPTION 'a session opens only for the enabled user of its transaction' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO lintas_secrets.sessions (id_hash, user_id, csrf_token, stage, address, expires_at)
  VALUES (id_hash, target, csrf_token, stage, address, now() + make_interval(hours => hours));
END
$$;

-- Ends a session of the transaction's user.
CREATE FUNCTION auth_session_end(wanted_hash bytea) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  DELETE FROM lintas_secrets.sessions WHERE id_hash = wanted_hash AND user_id = lintas_user()
$$;

-- Ends a user's sessions but the one kept: the user's own, or a user the transaction's user administers.
CREATE FUNCTION auth_sessions_end(target uuid, keep bytea) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  ended int;
BEGIN
  IF NOT lintas_caller_is_owner() AND target IS DISTINCT FROM lintas_user() AND NOT lintas_user_administers((SELECT member FROM users WHERE id = target)) THEN
    RAISE EXCEPTION 'only a user''s own or its administrators'' transactions end its sessions' USING ERRCODE = 'insufficient_privilege';
  END IF;
  DELETE FROM lintas_secrets.sessions WHERE user_id = target AND id_hash IS DISTINCT FROM keep;
  GET DIAGNOSTICS ended = ROW_COUNT;
  RETURN ended;
END
$$;

-- API tokens ---------------------------------------------------------------------------------------

-- The user and scope of a live token of an enabled user, by the token's hash; marks it used.
CREATE FUNCTION auth_token_actor(wanted_hash bytea) RETURNS TABLE (token_id uuid, user_id uuid, roles text[])
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  UPDATE lintas_secrets.api_tokens t SET last_used_at = now()
  FROM users u
  WHERE t.token_hash = wanted_hash AND u.id = t.user_id AND t.revoked_at IS NULL AND t.expires_at > now() AND NOT u.disabled
  RETURNING t.id, t.user_id, t.roles
$$;

-- The transaction's user's tokens, without their hashes.
CREATE FUNCTION auth_tokens()
RETURNS TABLE (id uuid, name text, roles text[], created_at timestamptz, expires_at timestamptz, last_used_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT id, name, roles, created_at, expires_at, last_used_at, revoked_at
  FROM lintas_secrets.api_tokens WHERE user_id = lintas_user() ORDER BY created_at DESC
$$;

-- A token for the transaction's user, scoped to roles it holds.
CREATE FUNCTION auth_token_create(token_name text, token_hash bytea, token_roles text[], days int)
RETURNS TABLE (id uuid, name text, roles text[], created_at timestamptz, expires_at timestamptz, last_used_at timestamptz, revoked_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF lintas_user() IS NULL OR NOT token_roles <@ lintas_user_roles() THEN
    RAISE EXCEPTION 'a token carries only roles its user holds' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN QUERY
  INSERT INTO lintas_secrets.api_tokens AS t (user_id, name, token_hash, roles, expires_at)
  VALUES (lintas_user(), token_name, token_hash, token_roles, now() + make_interval(days => days))
  RETURNING t.id, t.name, t.roles, t.created_at, t.expires_at, t.last_used_at, t.revoked_at;
END
$$;

-- Revokes a live token of the transaction's user; false when there is none of that id.
CREATE FUNCTION auth_token_revoke(wanted uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE lintas_secrets.api_tokens SET revoked_at = now() WHERE id = wanted AND user_id = lintas_user() AND revoked_at IS NULL;
  RETURN FOUND;
END
$$;

-- Passwords ----------------------------------------------------------------------------------------

-- The transaction's user's password hash, its row locked (a change of password checks the current one).
CREATE FUNCTION auth_password_hash() RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  SELECT password_hash FROM lintas_secrets.user_secrets WHERE user_id = lintas_user() FOR UPDATE
$$;

-- A new password for the transaction's user: its other sessions end, its links stop working and,
-- unless kept, its live tokens are revoked.
CREATE FUNCTION auth_password_change(new_hash text, keep_session bytea, keep_tokens boolean)
RETURNS TABLE (sessions_ended int, tokens_revoked int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  me uuid := lintas_user();
  revoked int := 0;
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'a password changes for the user of its transaction' USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE lintas_secrets.user_secrets SET password_hash = new_hash WHERE user_id = me;
  UPDATE users SET updated_at = now() WHERE id = me;
  DELETE FROM lintas_secrets.sessions WHERE user_id = me AND id_hash IS DISTINCT FROM keep_session;
  GET DIAGNOSTICS sessions_ended = ROW_COUNT;
  IF NOT keep_tokens THEN
    UPDATE lintas_secrets.api_tokens SET revoked_at = now() WHERE user_id = me AND revoked_at IS NULL AND expires_at > now();
    GET DIAGNOSTICS revoked = ROW_COUNT;
  END IF;
  tokens_revoked := revoked;
  DELETE FROM lintas_secrets.password_resets WHERE user_id = me AND used_at IS NULL;
  RETURN NEXT;
END
$$;

-- A one-time password link for a user: the transaction's own (asked by e-mail) or one it administers.
CREATE FUNCTION auth_reset_issue(target uuid, token_hash bytea, hours int) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF NOT lintas_caller_is_owner() AND target IS DISTINCT FROM lintas_user() AND NOT lintas_user_administers((SELECT member FROM users WHERE id = target)) THEN
    RAISE EXCEPTION 'a password link is for the user of its transaction or a user it administers' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO lintas_secrets.password_resets (token_hash, user_id, expires_at) VALUES (token_hash, target, now() + make_interval(hours => hours));
END
$$;

-- The user of a password link, whatever its state (the transaction that uses it runs for that user).
CREATE FUNCTION auth_reset_holder(wanted_hash bytea) RETURNS TABLE (user_id uuid, member text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT u.id, u.member FROM lintas_secrets.password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = wanted_hash
$$;

-- Uses a link of the transaction's user: sets the password, ends its other links and every session.
-- The number of other links ended, or NULL when the link is unknown, used or expired.
CREATE FUNCTION auth_reset_complete(wanted_hash bytea, new_hash text) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  me uuid := lintas_user();
  others int;
BEGIN
  -- The user's row is locked first, so two of its links used at once take turns and the second finds itself ended.
  PERFORM 1 FROM users WHERE id = me FOR UPDATE;
  UPDATE lintas_secrets.password_resets SET used_at = now()
  WHERE token_hash = wanted_hash AND user_id = me AND used_at IS NULL AND expires_at > now();
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  UPDATE lintas_secrets.user_secrets SET password_hash = new_hash WHERE user_id = me;
  UPDATE users SET updated_at = now() WHERE id = me;
  DELETE FROM lintas_secrets.password_resets WHERE user_id = me AND used_at IS NULL;
  GET DIAGNOSTICS others = ROW_COUNT;
  DELETE FROM lintas_secrets.sessions WHERE user_id = me;
  RETURN others;
END
$$;

-- Second factor ------------------------------------------------------------------------------------

-- Starts enrolment for the transaction's user: false when a second factor is already in force.
CREATE FUNCTION auth_totp_start(secret text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF (SELECT totp_enabled FROM users WHERE id = lintas_user()) IS DISTINCT FROM false THEN
    RETURN false;
  END IF;
  UPDATE lintas_secrets.user_secrets SET totp_secret = secret, totp_last_step = 0 WHERE user_id = lintas_user();
  RETURN true;
END
$$;

-- The transaction's user's TOTP secret and last step used, its row locked until the code is consumed.
CREATE FUNCTION auth_totp_secret() RETURNS TABLE (totp_secret text, totp_last_step bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  SELECT totp_secret, totp_last_step FROM lintas_secrets.user_secrets WHERE user_id = lintas_user() FOR UPDATE
$$;

-- Consumes a time step of the transaction's user's codes: false when it is not later than the last one used.
CREATE FUNCTION auth_totp_step_used(step bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE lintas_secrets.user_secrets SET totp_last_step = step WHERE user_id = lintas_user() AND totp_last_step < step;
  RETURN FOUND;
END
$$;

-- Consumes one of the transaction's user's recovery codes, by its hash.
CREATE FUNCTION auth_recovery_code_used(code_hash bytea) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE lintas_secrets.recovery_codes r SET used_at = now()
  WHERE r.user_id = lintas_user() AND r.code_hash = auth_recovery_code_used.code_hash AND r.used_at IS NULL;
  RETURN FOUND;
END
$$;

-- Puts the enrolled second factor in force for the transaction's user, with new recovery codes (their hashes in hex).
CREATE FUNCTION auth_totp_enable(code_hashes text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  me uuid := lintas_user();
BEGIN
  UPDATE users SET totp_enabled = true, updated_at = now() WHERE id = me;
  DELETE FROM lintas_secrets.recovery_codes WHERE user_id = me;
  INSERT INTO lintas_secrets.recovery_codes (user_id, code_hash) SELECT me, decode(h, 'hex') FROM unnest(code_hashes) AS h;
END
$$;

-- Removes the transaction's user's second factor and recovery codes.
CREATE FUNCTION auth_totp_remove() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  me uuid := lintas_user();
BEGIN
  UPDATE users SET totp_enabled = false, updated_at = now() WHERE id = me;
  UPDATE lintas_secrets.user_secrets SET totp_secret = NULL WHERE user_id = me;
  DELETE FROM lintas_secrets.recovery_codes WHERE user_id = me;
END
$$;

DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.proname LIKE 'auth\_%'
  LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO lintas_app', f);
  END LOOP;
END
$$;
