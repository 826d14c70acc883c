-- A lost second factor (ASVS 2.5.7): an administrator of the user's member (the secretariat for any
-- member; only the secretariat for a secretariat user), or the operator's command, removes it after
-- proofing who asked as at enrolment. The authenticator's secret, the recovery codes and every
-- session of the user go; at its next sign-in the user sets up a new authenticator where one is
-- required. No one resets their own: that is what their recovery codes are for.
CREATE FUNCTION auth_totp_reset(target uuid) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  target_member text;
  target_roles text[];
BEGIN
  SELECT member, roles INTO target_member, target_roles FROM users WHERE id = target FOR UPDATE;
  IF NOT lintas_caller_is_owner() AND (
       target_member IS NULL
       OR target = lintas_user()
       OR NOT lintas_user_administers(target_member)
       OR ('secretariat' = ANY (target_roles) AND NOT 'secretariat' = ANY (lintas_user_roles()))) THEN
    RAISE EXCEPTION 'only an administrator of a user''s member resets its second factor' USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE users SET totp_enabled = false, updated_at = now() WHERE id = target;
  UPDATE lintas_secrets.user_secrets SET totp_secret = NULL WHERE user_id = target;
  DELETE FROM lintas_secrets.recovery_codes WHERE user_id = target;
  DELETE FROM lintas_secrets.sessions WHERE user_id = target;
END
$$;
REVOKE ALL ON FUNCTION auth_totp_reset(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_totp_reset(uuid) TO lintas_app;
