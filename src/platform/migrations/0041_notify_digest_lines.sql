-- Notifications, part three: which inbox items go in their user's daily digest. An item is a digest
-- line when the subscriptions that matched it for its user include a daily one and none that e-mails
-- at once; an item addressed to a user by name is a line only when such a subscription matched too.
ALTER TABLE notifications ADD COLUMN digest boolean NOT NULL DEFAULT false;
CREATE INDEX notifications_digest ON notifications (user_id, created_at) WHERE digest;
