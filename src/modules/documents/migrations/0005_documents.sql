-- The travel-document register: lost, stolen, revoked and fraudulent documents entered by their
-- issuing member, checked by number or MRZ; the hit records of checks; the offline snapshots issued.

-- The member that issues an ICAO code's documents; mirrors memberCodeForIssuer in
-- src/modules/documents/icao.ts (a test compares the two over every ICAO code).
CREATE FUNCTION documents_issuer_member(issuer text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE issuer WHEN 'D' THEN 'DEU' WHEN 'EUE' THEN 'EU' WHEN 'XPO' THEN 'INTERPOL' ELSE issuer END
$$;

-- Bumped on every insert and change: snapshot deltas ("changed since version N") and other
-- processes' in-memory indexes read the register by it.
CREATE SEQUENCE travel_documents_change_seq;

CREATE TABLE travel_documents (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Normalised: ICAO issuing code (Germany as D), register type, number upper case A-Z 0-9 only.
  issuer       text NOT NULL CHECK (issuer ~ '^[A-Z]{1,3}$'),
  doc_type     text NOT NULL CHECK (doc_type IN ('passport', 'identity-card', 'visa', 'refugee-travel-document', 'stateless-travel-document', 'seafarer-book', 'other')),
  number       text NOT NULL CHECK (number ~ '^[A-Z0-9]{1,35}$'),
  status       text NOT NULL CHECK (status IN ('lost', 'stolen', 'stolen-blank', 'revoked', 'invalid', 'counterfeit', 'forged')),
  -- active: hits; cancelled: withdrawn by the issuer (kept as history, never hits);
  -- pending-confirmation: a foreign document another member reported, waiting for the issuer;
  -- rejected: such a report the issuer refused.
  state        text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled', 'pending-confirmation', 'rejected')),
  reported_on  date NOT NULL DEFAULT current_date,
  lost_on      date,
  issued_on    date,
  expires_on   date,
  place        text CHECK (length(place) <= 200),
  remarks      text CHECK (length(remarks) <= 2000),
  -- Holder details: optional, disclosed only by step two (an audited read after a hit).
  holder_surname     text CHECK (length(holder_surname) <= 200),
  holder_given_names text CHECK (length(holder_given_names) <= 200),
  holder_nationality text CHECK (holder_nationality ~ '^[A-Z]{1,3}$'),
  holder_birth_date  date,
  holder_sex         text CHECK (holder_sex IN ('F', 'M', 'X')),
  -- A foreign report: the member that found or seized the document, its note; the issuer's decision.
  reported_by  text REFERENCES members (code),
  report_note  text CHECK (length(report_note) <= 2000),
  decided_at   timestamptz,
  decided_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  decision_note text CHECK (length(decision_note) <= 2000),
  cancelled_at timestamptz,
  cancel_reason text CHECK (length(cancel_reason) <= 500),
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  change_seq   bigint NOT NULL DEFAULT nextval('travel_documents_change_seq'),
  CHECK (state NOT IN ('pending-confirmation', 'rejected') OR reported_by IS NOT NULL),
  CHECK (expires_on IS NULL OR issued_on IS NULL OR expires_on >= issued_on)
);
SELECT lintas_make_shareable('travel_documents');
-- Only the issuing member owns, and so adds, changes and cancels, a state's documents.
ALTER TABLE travel_documents ADD CONSTRAINT travel_documents_owner_is_issuer CHECK (owner = documents_issuer_member(issuer));
-- The register's documents are shared with every full member, TLP GREEN, unless the issuer says otherwise.
ALTER TABLE travel_documents ALTER COLUMN audience_kind SET DEFAULT 'all', ALTER COLUMN tlp SET DEFAULT 'GREEN';

-- One live record per document; this index is also the lookup of every check.
CREATE UNIQUE INDEX travel_documents_live ON travel_documents (issuer, doc_type, number) WHERE state = 'active';
-- A member reports a foreign document once while it waits.
CREATE UNIQUE INDEX travel_documents_pending ON travel_documents (issuer, doc_type, number, reported_by) WHERE state = 'pending-confirmation';
CREATE INDEX travel_documents_register ON travel_documents (owner, number, id);
CREATE INDEX travel_documents_reports ON travel_documents (reported_by, created_at) WHERE reported_by IS NOT NULL;
CREATE INDEX travel_documents_changes ON travel_documents (change_seq);
-- Documents are found by key or by owner, never by audience: the generic indexes would only slow
-- a load of millions of rows. (owner, number, id) serves what the owner index did.
DROP INDEX travel_documents_owner;
DROP INDEX travel_documents_audience_members;
DROP INDEX travel_documents_audience_groups;

-- The reporting member sees its own reports of foreign documents, whatever they became, and may
-- add one for another issuer: owned by that issuer (who alone decides on it), seen by no one else.
CREATE POLICY documents_reporter_see ON travel_documents FOR SELECT
  USING (reported_by = current_setting('lintas.member', true));
CREATE POLICY documents_reporter_add ON travel_documents FOR INSERT
  WITH CHECK (state = 'pending-confirmation' AND reported_by = current_setting('lintas.member', true)
              AND owner <> reported_by AND audience_kind = 'owner');
-- Records are cancelled, never removed.
REVOKE DELETE ON travel_documents FROM lintas_app;
GRANT USAGE ON SEQUENCE travel_documents_change_seq TO lintas_app;

CREATE FUNCTION travel_documents_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_seq := nextval('travel_documents_change_seq');
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER travel_documents_touch BEFORE UPDATE ON travel_documents FOR EACH ROW EXECUTE FUNCTION travel_documents_touch();

/*
 * Other processes keep their in-memory index in step through LISTEN/NOTIFY: each statement that
 * writes documents notifies, at commit, a range of change_seq holding every row it wrote
 * ("from-to", from exclusive). The range may hold other transactions' rows too; a listener reads
 * the current state of every key in it, so a superset is harmless. The sequence caches no values,
 * so every value this statement takes lies above the last value read before it starts.
 */
-- The last change_seq handed out (0 before the first).
CREATE FUNCTION travel_documents_last_change() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM travel_documents_change_seq
$$;
CREATE FUNCTION travel_documents_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('lintas.documents_from', true), '') = '' THEN
    PERFORM set_config('lintas.documents_from', travel_documents_last_change()::text, true);
  END IF;
  RETURN NULL;
END
$$;
CREATE FUNCTION travel_documents_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lintas_travel_documents',
    current_setting('lintas.documents_from', true) || '-' || travel_documents_last_change());
  RETURN NULL;
END
$$;
CREATE TRIGGER travel_documents_mark BEFORE INSERT OR UPDATE ON travel_documents FOR EACH STATEMENT EXECUTE FUNCTION travel_documents_mark();
CREATE TRIGGER travel_documents_notify AFTER INSERT OR UPDATE ON travel_documents FOR EACH STATEMENT EXECUTE FUNCTION travel_documents_notify();
GRANT SELECT ON travel_documents_change_seq TO lintas_app;

-- Hit records ------------------------------------------------------------------------------------------

/*
 * A check that found a document opens a hit record: owned by the issuer (who confirms or denies
 * it), shared with the checking member alone (who sees the outcome). The checking member writes it,
 * for a document it may see: the insert policy reads travel_documents under the checker's own
 * row-level security.
 */
CREATE TABLE document_hits (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id  uuid NOT NULL REFERENCES travel_documents (id),
  -- The document as it was found (the checker was answered this; it keeps it whatever the record becomes).
  issuer       text NOT NULL,
  doc_type     text NOT NULL,
  number       text NOT NULL,
  status       text NOT NULL,
  checker      text NOT NULL REFERENCES members (code),
  checked_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  purpose      text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 200),
  -- How the document was given: a number typed or an MRZ read; a single check or a batch.
  via          text NOT NULL CHECK (via IN ('number', 'mrz', 'batch')),
  request_id   text,
  outcome      text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'confirmed', 'denied')),
  notes        text CHECK (length(notes) <= 2000),
  answered_at  timestamptz,
  answered_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  reminded_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((outcome = 'pending') = (answered_at IS NULL))
);
SELECT lintas_make_shareable('document_hits');
DROP INDEX document_hits_audience_groups;
CREATE INDEX document_hits_queue ON document_hits (owner, outcome, created_at);
CREATE INDEX document_hits_checker ON document_hits (checker, created_at);
CREATE INDEX document_hits_document ON document_hits (document_id);

DROP POLICY lintas_add ON document_hits;
CREATE POLICY lintas_add ON document_hits FOR INSERT WITH CHECK (
  checker = current_setting('lintas.member', true)
  AND audience_kind = 'members' AND audience_members = ARRAY[checker]
  AND EXISTS (SELECT 1 FROM travel_documents d WHERE d.id = document_id AND d.owner = document_hits.owner AND d.state = 'active'
              AND d.issuer = document_hits.issuer AND d.doc_type = document_hits.doc_type AND d.number = document_hits.number
              AND d.status = document_hits.status));
-- The issuer answers (outcome, notes) and is reminded; nothing else of a hit changes, and none is removed.
REVOKE UPDATE, DELETE ON document_hits FROM lintas_app;
GRANT UPDATE (outcome, notes, answered_at, answered_by, reminded_at) ON document_hits TO lintas_app;

-- Offline snapshots ------------------------------------------------------------------------------------

-- The Ed25519 key pair that signs snapshots: read by the command line as the schema owner only.
CREATE TABLE document_snapshot_keys (
  id          smallint PRIMARY KEY CHECK (id = 1),
  public_key  text NOT NULL,
  private_key text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every snapshot issued: for whom, up to which change, and the hash key its deltas must reuse.
CREATE TABLE document_snapshots (
  member       text NOT NULL REFERENCES members (code),
  version      bigint NOT NULL,
  base_version bigint,
  hash_key     bytea NOT NULL,
  entries      bigint NOT NULL,
  removed      bigint NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member, version)
);
