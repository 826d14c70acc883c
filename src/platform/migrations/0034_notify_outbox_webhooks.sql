-- The durable outbox grows idempotency, the reference of what each message is about (checked again
-- at sending), and a second channel: webhooks to member systems (Standard Webhooks), with their
-- endpoints and a log of every attempt.

-- Outbox -----------------------------------------------------------------------------------------

ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox
  ADD COLUMN idempotency_key  text,
  ADD COLUMN status           text NOT NULL DEFAULT 'pending',
  ADD COLUMN object_type      text,
  ADD COLUMN object_id        text,
  ADD COLUMN recipient_member text REFERENCES members (code) ON DELETE CASCADE,
  ADD COLUMN recipient_user   uuid REFERENCES users (id) ON DELETE CASCADE,
  ADD COLUMN endpoint_id      uuid,
  ADD COLUMN event_kind       text,
  ADD COLUMN finished_at      timestamptz;
-- Rows queued before this migration: a key of their own, and their state from what they record.
UPDATE outbox SET idempotency_key = 'outbox-' || id,
  status = CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN attempts >= 8 THEN 'failed' ELSE 'pending' END,
  finished_at = sent_at;
ALTER TABLE outbox
  ALTER COLUMN idempotency_key SET NOT NULL,
  ADD CONSTRAINT outbox_idempotency_key UNIQUE (idempotency_key),
  ADD CONSTRAINT outbox_channel CHECK (channel IN ('email', 'webhook')),
  ADD CONSTRAINT outbox_status CHECK (status IN ('pending', 'sent', 'withheld', 'failed')),
  -- A message about a record names whom it is for, so the record's sharing can be asked again at sending.
  ADD CONSTRAINT outbox_about CHECK ((object_type IS NULL) = (object_id IS NULL) AND (object_type IS NULL OR recipient_member IS NOT NULL)),
  ADD CONSTRAINT outbox_webhook CHECK ((channel = 'webhook') = (endpoint_id IS NOT NULL));
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_endpoint ON outbox (endpoint_id, id DESC) WHERE endpoint_id IS NOT NULL;

-- Webhook endpoints: a member's own (audience always the owner alone) -----------------------------

CREATE TABLE webhook_endpoints (
  id                   uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  url                  text NOT NULL CHECK (length(url) <= 2000),
  description          text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
  -- The event kinds it receives; empty: every kind.
  kinds                text[] NOT NULL DEFAULT '{}',
  -- The signing secret, sealed with the data key (which the database does not hold).
  secret_sealed        bytea NOT NULL,
  enabled              boolean NOT NULL DEFAULT true,
  disabled_reason      text,
  consecutive_failures int NOT NULL DEFAULT 0,
  created_by           uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at           timestamptz NOT NULL DEFAULT now()
);
SELECT lintas_make_shareable('webhook_endpoints');
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_own CHECK (audience_kind = 'owner');

-- Every attempt to deliver a webhook: when, the answer's status, how long, the error.
CREATE TABLE webhook_attempts (
  id          bigserial PRIMARY KEY,
  outbox_id   bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  status_code int,
  duration_ms int NOT NULL,
  error       text CHECK (length(error) <= 500)
);
SELECT lintas_make_shareable('webhook_attempts');
ALTER TABLE webhook_attempts ADD CONSTRAINT webhook_attempts_own CHECK (audience_kind = 'owner');
CREATE INDEX webhook_attempts_outbox ON webhook_attempts (outbox_id, id);
GRANT USAGE ON SEQUENCE webhook_attempts_id_seq TO lintas_app;

-- Queues one webhook message per enabled endpoint of `member` that takes `kind`, in the caller's
-- transaction. The acting member's row-level security hides other members' endpoints, so this runs
-- as the schema owner; it returns only how many it queued.
CREATE FUNCTION lintas_queue_webhooks(member text, kind text, key_base text, payload jsonb, about_type text, about_id text)
RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH queued AS (
    INSERT INTO outbox (channel, payload, idempotency_key, object_type, object_id, recipient_member, endpoint_id, event_kind)
    SELECT 'webhook', payload, key_base || ':' || e.id, about_type, about_id, member, e.id, kind
    FROM webhook_endpoints e
    WHERE e.owner = member AND e.enabled AND (cardinality(e.kinds) = 0 OR kind = ANY (e.kinds))
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::int FROM queued
$$;
REVOKE ALL ON FUNCTION lintas_queue_webhooks(text, text, text, jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lintas_queue_webhooks(text, text, text, jsonb, text, text) TO lintas_app;

-- Subscriptions ----------------------------------------------------------------------------------

-- What a user asks to be told about: a module's notifications, narrowed by kinds, countries, tags and
-- sharing groups (an empty list: any). A user's own setting, not a shared record: the application
-- filters by user, and what is sent is filtered again by the record's audience.
CREATE TABLE notification_subscriptions (
  id         uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  module     text NOT NULL CHECK (module ~ '^[a-z][a-z0-9-]*$'),
  kinds      text[] NOT NULL DEFAULT '{}',
  countries  text[] NOT NULL DEFAULT '{}',
  tags       text[] NOT NULL DEFAULT '{}',
  groups     text[] NOT NULL DEFAULT '{}',
  email      boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_subscriptions_user ON notification_subscriptions (user_id);
CREATE INDEX notification_subscriptions_module ON notification_subscriptions (module);
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_subscriptions TO lintas_app;
