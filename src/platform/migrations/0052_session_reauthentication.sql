-- Re-authentication before sensitive changes (ASVS 3.7.1): when the session's user last entered their
-- password or a second-factor code in it. A session opened by a sign-in starts re-authenticated (the
-- default); one opened before this migration has never been, and must re-enter it first.

ALTER TABLE lintas_secrets.sessions ADD COLUMN reauthenticated_at timestamptz;
ALTER TABLE lintas_secrets.sessions ALTER COLUMN reauthenticated_at SET DEFAULT now();

-- Marks a session of the transaction's user re-authenticated now; the caller has just checked the
-- password or code. False when the user has no live session of that hash.
CREATE FUNCTION auth_session_reauthenticated(wanted_hash bytea) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE lintas_secrets.sessions SET reauthenticated_at = now()
  WHERE id_hash = wanted_hash AND user_id = lintas_user() AND expires_at > now();
  RETURN FOUND;
END
$$;

-- Whether a session of the transaction's user was re-authenticated within the last `minutes`.
CREATE FUNCTION auth_session_recently_authenticated(wanted_hash bytea, minutes int) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (
    SELECT 1 FROM lintas_secrets.sessions
    WHERE id_hash = wanted_hash AND user_id = lintas_user() AND expires_at > now()
      AND reauthenticated_at > now() - make_interval(mins => minutes)
  )
$$;

REVOKE ALL ON FUNCTION auth_session_reauthenticated(bytea), auth_session_recently_authenticated(bytea, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_session_reauthenticated(bytea), auth_session_recently_authenticated(bytea, int) TO lintas_app;
