-- Notifications, part two: each user's time zone (for the daily digest at about 07:00 local time),
-- a subscription's delivery (at once, or in the daily digest), and the digests already made.

-- An IANA zone name; the application checks it against the zones Intl knows.
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (time_zone ~ '^[A-Za-z0-9_+/-]{1,64}$');

ALTER TABLE notification_subscriptions ADD COLUMN delivery text NOT NULL DEFAULT 'immediate' CHECK (delivery IN ('immediate', 'daily'));

-- One row per user and local date whose digest was made (sent, or found empty): a restart, or a
-- second process, never makes two.
CREATE TABLE notification_digests (
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  local_date date NOT NULL,
  lines      integer NOT NULL,
  made_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, local_date)
);
