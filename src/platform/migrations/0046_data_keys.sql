-- Envelope encryption (issue 27): data-encryption keys (DEKs), each 32 random bytes kept here only
-- wrapped (AES-256-GCM) by a key-encryption key (KEK) of the key ring outside the database
-- (LINTAS_DATA_KEYS, LINTAS_DATA_KEY or <LINTAS_DATA>/data.key), named by the KEK's id (a
-- fingerprint). One current DEK per use and member seals that member's values of that use; a sealed
-- value names its DEK. `lintas keys rotate` re-wraps every DEK under a new KEK (no value is sealed
-- again); `--reencrypt` retires the current DEKs and seals every value again under new ones.
-- The nil id is the first generation's key (the data key before this migration), kept wrapped too.
CREATE TABLE data_keys (
  id          uuid PRIMARY KEY,
  use         text NOT NULL CHECK (length(use) BETWEEN 1 AND 100),
  -- The member whose values it seals ('' for the platform's own).
  member      text NOT NULL CHECK (length(member) <= 20),
  kek_id      text NOT NULL CHECK (kek_id ~ '^[0-9a-f]{16}$'),
  -- 12-byte nonce, the key sealed, 16-byte tag; the id, use and member are bound in.
  wrapped     bytea NOT NULL CHECK (length(wrapped) = 60),
  created_at  timestamptz NOT NULL DEFAULT now(),
  rewrapped_at timestamptz,
  -- Set by --reencrypt: the key opens what it sealed, and seals nothing new.
  retired_at  timestamptz
);
CREATE UNIQUE INDEX data_keys_current ON data_keys (use, member) WHERE retired_at IS NULL;
CREATE INDEX data_keys_kek ON data_keys (kek_id);
-- A write makes its member's key of a use the first time it seals; wrapped keys open nothing
-- without the ring. Re-wrapping and retiring are the owner's (lintas keys).
REVOKE ALL ON data_keys FROM PUBLIC;
GRANT SELECT, INSERT ON data_keys TO lintas_app;
