-- A notice before an API token expires (ASVS 2.3.3): when its owner was told, so each token is
-- announced once, whichever process's job finds it first (the mark is set in the transaction that
-- queues the e-mail and writes the inbox notice).

ALTER TABLE lintas_secrets.api_tokens ADD COLUMN expiry_notice_at timestamptz;
-- The tokens the job may still have to announce: live, not yet told.
CREATE INDEX api_tokens_expiry_notice ON lintas_secrets.api_tokens (expires_at) WHERE revoked_at IS NULL AND expiry_notice_at IS NULL;
