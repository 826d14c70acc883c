-- Every check that hit a document, grouped under one hit: a repeat check of a document by the same
-- checking member, while that member's hit on it waits for the issuer's answer, is added to that hit
-- instead of opening another; once the hit is answered, the next check opens a new one.
-- Like its hit, a check row is owned by the issuer and shared with the checking member alone.
CREATE TABLE document_hit_checks (
  id          uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  hit_id      uuid NOT NULL,
  checker     text NOT NULL REFERENCES members (code),
  checked_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  purpose     text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 200),
  via         text NOT NULL CHECK (via IN ('number', 'mrz', 'batch')),
  request_id  text,
  checked_at  timestamptz NOT NULL DEFAULT now()
);
SELECT lintas_make_shareable('document_hit_checks');
-- A check belongs to a hit of the same checking member and issuer (checked at the end of the
-- statement, so the check that opens a hit is written in the same statement).
ALTER TABLE document_hits ADD CONSTRAINT document_hits_id_checker_owner UNIQUE (id, checker, owner);
ALTER TABLE document_hit_checks ADD CONSTRAINT document_hit_checks_hit
  FOREIGN KEY (hit_id, checker, owner) REFERENCES document_hits (id, checker, owner);
CREATE INDEX document_hit_checks_hit ON document_hit_checks (hit_id, checked_at);
CREATE INDEX document_hits_open ON document_hits (document_id, checker) WHERE outcome = 'pending';

DROP POLICY lintas_add ON document_hit_checks;
CREATE POLICY lintas_add ON document_hit_checks FOR INSERT WITH CHECK (
  checker = current_setting('lintas.member', true) AND audience_kind = 'members' AND audience_members = ARRAY[checker]);
-- Checks are a record: none changes, none is removed.
REVOKE UPDATE, DELETE ON document_hit_checks FROM lintas_app;

-- The hits opened before: each had one check, its own.
ALTER TABLE document_hit_checks NO FORCE ROW LEVEL SECURITY;
INSERT INTO document_hit_checks (hit_id, checker, checked_by, purpose, via, request_id, checked_at, owner, audience_kind, audience_members, tlp)
SELECT id, checker, checked_by, purpose, via, request_id, created_at, owner, 'members', ARRAY[checker], tlp FROM document_hits;
ALTER TABLE document_hit_checks FORCE ROW LEVEL SECURITY;
