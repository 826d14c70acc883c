-- A user's export of their own account data (ASVS 8.3.2) reads the newest rows of the audit trail
-- that name them as the one who acted: found by user, newest first, without scanning their member's rows.

CREATE INDEX audit_log_user ON audit_log (user_id, seq) WHERE user_id IS NOT NULL;
