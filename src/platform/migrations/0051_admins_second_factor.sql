-- Administrators must have a second factor (ASVS 4.3.1): from now on a `member-admin` or
-- `secretariat` without one gets only the enrol stage at sign-in (src/modules/account/sign-in.ts).
-- Their sessions opened before this end here, so they meet it at their next request, not only at
-- their next sign-in.

DELETE FROM lintas_secrets.sessions s
USING users u
WHERE u.id = s.user_id AND NOT u.totp_enabled AND u.roles && ARRAY['member-admin', 'secretariat']::text[];
