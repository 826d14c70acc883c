-- Sessions' use (ASVS 3.3.2, 3.3.4): when each was last used, so an idle one ends, and an opaque id
-- (neither the cookie nor the hash it is looked up by) through which its user lists and ends it.

ALTER TABLE lintas_secrets.sessions
  ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX sessions_public_id ON lintas_secrets.sessions (public_id);

-- A live session of an enabled user, by the hash of its cookie; one unused for more than
-- idle_minutes (0: no limit) is not live. Its last use is written at most once a minute.
DROP FUNCTION auth_session(bytea);
CREATE FUNCTION auth_session(wanted_hash bytea, idle_minutes int) RETURNS TABLE (user_id uuid, stage text, csrf_token text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE lintas_secrets.sessions s SET last_seen_at = now()
  WHERE s.id_hash = wanted_hash AND s.last_seen_at < now() - interval '1 minute' AND s.expires_at > now()
    AND (idle_minutes = 0 OR s.last_seen_at > now() - make_interval(mins => idle_minutes));
  RETURN QUERY
  SELECT s.user_id, s.stage, s.csrf_token
  FROM lintas_secrets.sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id_hash = wanted_hash AND s.expires_at > now() AND NOT u.disabled
    AND (idle_minutes = 0 OR s.last_seen_at > now() - make_interval(mins => idle_minutes));
END
$$;

-- The transaction's user's live sessions, without their hashes; `current` marks the one whose hash is given.
CREATE FUNCTION auth_sessions(current_hash bytea, idle_minutes int)
RETURNS TABLE (id uuid, created_at timestamptz, last_seen_at timestamptz, address text, stage text, current boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.public_id, s.created_at, s.last_seen_at, s.address, s.stage, s.id_hash = current_hash
  FROM lintas_secrets.sessions s
  WHERE s.user_id = lintas_user() AND s.expires_at > now()
    AND (idle_minutes = 0 OR s.last_seen_at > now() - make_interval(mins => idle_minutes))
  ORDER BY s.last_seen_at DESC, s.created_at DESC
$$;

-- Ends a session of the transaction's user by its opaque id; false when the user has none of that id.
CREATE FUNCTION auth_session_end_by_id(wanted uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  DELETE FROM lintas_secrets.sessions WHERE public_id = wanted AND user_id = lintas_user();
  RETURN FOUND;
END
$$;

REVOKE ALL ON FUNCTION auth_session(bytea, int), auth_sessions(bytea, int), auth_session_end_by_id(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_session(bytea, int), auth_sessions(bytea, int), auth_session_end_by_id(uuid) TO lintas_app;
