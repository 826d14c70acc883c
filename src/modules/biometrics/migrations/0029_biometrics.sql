-- Biometric data exchange under agreements (README.md in this folder). No member reads another's
-- gallery: the only way in is a search under an agreement, answered hit or no hit per gallery.

-- An agreement: proposed by one member, in force once every party accepted it. Only its parties
-- read it (a member outside it gets 404, as for a record it may not see).
CREATE TABLE biometric_agreements (
  id                    uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  proposer              text NOT NULL REFERENCES members (code),
  -- Every party, the proposer among them.
  parties               text[] NOT NULL CHECK (cardinality(parties) BETWEEN 2 AND 100),
  -- Who may search whose gallery: 'SEARCHER>HOLDER', both parties.
  directions            text[] NOT NULL CHECK (cardinality(directions) >= 1),
  purposes              text[] NOT NULL CHECK (cardinality(purposes) >= 1 AND purposes <@ ARRAY[
                          'irregular-arrival', 'asylum-screening', 'trafficking-victim', 'smuggling-investigation', 'return-identity']),
  modalities            text[] NOT NULL CHECK (cardinality(modalities) >= 1 AND modalities <@ ARRAY['face']),
  formats               text[] NOT NULL CHECK (cardinality(formats) >= 1),
  -- What step one answers: a candidate's reference and a score band, or whether there is a hit at all.
  step_one              text NOT NULL DEFAULT 'reference-and-band' CHECK (step_one IN ('reference-and-band', 'hit-only')),
  -- The biographic fields a holder may disclose in step two.
  step_two_fields       text[] NOT NULL DEFAULT '{}',
  -- Whether the holder's approver sees the probe beside the gallery image in step two.
  step_two_images       boolean NOT NULL DEFAULT false,
  step_two_hours        integer NOT NULL DEFAULT 48 CHECK (step_two_hours BETWEEN 1 AND 720),
  -- Searches one searching party may make under it in a day (UTC); none: no quota.
  daily_quota           integer CHECK (daily_quota BETWEEN 1 AND 1000000),
  -- How long the record of a search (who, why, the probe's keyed hash, the answer) is kept.
  query_retention_days  integer NOT NULL DEFAULT 90 CHECK (query_retention_days BETWEEN 1 AND 3650),
  valid_from            date NOT NULL,
  valid_until           date,
  status                text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'active', 'suspended', 'terminated')),
  status_reason         text CHECK (length(status_reason) <= 2000),
  status_by             text REFERENCES members (code),
  created_by            uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (parties @> ARRAY[proposer]),
  CHECK (valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX biometric_agreements_parties ON biometric_agreements USING gin (parties);
ALTER TABLE biometric_agreements ENABLE ROW LEVEL SECURITY;
ALTER TABLE biometric_agreements FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON biometric_agreements FOR SELECT USING (parties @> ARRAY[(SELECT current_setting('lintas.member', true))]);
CREATE POLICY lintas_propose ON biometric_agreements FOR INSERT WITH CHECK (proposer = (SELECT current_setting('lintas.member', true)));
CREATE POLICY lintas_change ON biometric_agreements FOR UPDATE
  USING (parties @> ARRAY[(SELECT current_setting('lintas.member', true))])
  WITH CHECK (parties @> ARRAY[(SELECT current_setting('lintas.member', true))]);
GRANT SELECT, INSERT, UPDATE ON biometric_agreements TO lintas_app;

-- Each party's acceptance (the proposer's comes with its proposal).
CREATE TABLE biometric_acceptances (
  agreement_id  uuid NOT NULL REFERENCES biometric_agreements (id),
  member        text NOT NULL REFERENCES members (code),
  accepted_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  accepted_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agreement_id, member)
);
ALTER TABLE biometric_acceptances ENABLE ROW LEVEL SECURITY;
ALTER TABLE biometric_acceptances FORCE ROW LEVEL SECURITY;
-- Read by the agreement's parties (the subquery is itself under the agreements' policy).
CREATE POLICY lintas_see ON biometric_acceptances FOR SELECT USING (EXISTS (SELECT 1 FROM biometric_agreements a WHERE a.id = agreement_id));
CREATE POLICY lintas_accept ON biometric_acceptances FOR INSERT WITH CHECK (member = (SELECT current_setting('lintas.member', true)));
GRANT SELECT, INSERT ON biometric_acceptances TO lintas_app;

-- A member's gallery: its enrolled subjects. Only the owner reads, counts or changes its rows; the
-- in-memory search index is built from them by the schema owner (a job), never by another member.
CREATE TABLE biometric_subjects (
  id             uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  -- The subject's number in the in-memory index.
  key            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  owner          text NOT NULL REFERENCES members (code),
  reference      text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
  modality       text NOT NULL DEFAULT 'face' CHECK (modality IN ('face')),
  format         text NOT NULL CHECK (length(format) BETWEEN 1 AND 60),
  -- The template: little-endian float32, L2-normalised.
  template       bytea NOT NULL,
  -- Biographic fields and the enrolled image, sealed (AES-256-GCM) with a key the database does not hold.
  biographic     bytea NOT NULL,
  image          bytea,
  image_type     text CHECK (image_type IN ('image/jpeg', 'image/png', 'image/webp')),
  enrolled_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  enrolled_at    timestamptz NOT NULL DEFAULT now(),
  -- After this day a job deletes the subject.
  retain_until   date NOT NULL,
  UNIQUE (owner, reference),
  CHECK ((image IS NULL) = (image_type IS NULL))
);
CREATE INDEX biometric_subjects_retention ON biometric_subjects (retain_until);
ALTER TABLE biometric_subjects ENABLE ROW LEVEL SECURITY;
ALTER TABLE biometric_subjects FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_own ON biometric_subjects FOR ALL
  USING (owner = (SELECT current_setting('lintas.member', true))) WITH CHECK (owner = (SELECT current_setting('lintas.member', true)));
GRANT SELECT, INSERT, UPDATE, DELETE ON biometric_subjects TO lintas_app;

-- Every change to a gallery, so every server process keeps its index in step (after commit).
CREATE FUNCTION biometric_subject_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM pg_notify('lintas_biometrics', CASE WHEN TG_OP = 'DELETE' THEN 'delete ' || OLD.key ELSE 'put ' || NEW.key END);
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION biometric_subject_changed() FROM PUBLIC;
CREATE TRIGGER biometric_subject_changed AFTER INSERT OR UPDATE OF template, format OR DELETE ON biometric_subjects
  FOR EACH ROW EXECUTE FUNCTION biometric_subject_changed();

-- A search: who searched which galleries, under which agreement and why. Nothing of the probe is
-- kept but its keyed hash. Read by the searcher and by every member whose gallery it searched.
CREATE TABLE biometric_searches (
  id            uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  searcher      text NOT NULL REFERENCES members (code),
  agreement_id  uuid NOT NULL REFERENCES biometric_agreements (id),
  purpose       text NOT NULL,
  format        text NOT NULL,
  probe_hash    text NOT NULL,
  holders       text[] NOT NULL,
  searched_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  keep_until    timestamptz NOT NULL
);
CREATE INDEX biometric_searches_searcher ON biometric_searches (searcher, agreement_id, created_at);
CREATE INDEX biometric_searches_holders ON biometric_searches USING gin (holders);
CREATE INDEX biometric_searches_keep ON biometric_searches (keep_until);
ALTER TABLE biometric_searches ENABLE ROW LEVEL SECURITY;
ALTER TABLE biometric_searches FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON biometric_searches FOR SELECT
  USING (searcher = (SELECT current_setting('lintas.member', true)) OR holders @> ARRAY[(SELECT current_setting('lintas.member', true))]);
CREATE POLICY lintas_search ON biometric_searches FOR INSERT WITH CHECK (searcher = (SELECT current_setting('lintas.member', true)));
GRANT SELECT, INSERT ON biometric_searches TO lintas_app;

-- Step one's answer per gallery searched: hit or no hit, and for a hit its candidates (the holder's
-- reference and a score band). Read by the searcher and by that gallery's holder only.
CREATE TABLE biometric_results (
  search_id   uuid NOT NULL REFERENCES biometric_searches (id) ON DELETE CASCADE,
  holder      text NOT NULL REFERENCES members (code),
  hit         boolean NOT NULL,
  -- [{ "subject": uuid, "reference": text, "band": "high" | "medium" }], best first; [] for no hit.
  candidates  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(candidates) = 'array'),
  PRIMARY KEY (search_id, holder)
);
CREATE INDEX biometric_results_holder ON biometric_results (holder, search_id);
ALTER TABLE biometric_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE biometric_results FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON biometric_results FOR SELECT
  USING (holder = (SELECT current_setting('lintas.member', true))
    OR EXISTS (SELECT 1 FROM biometric_searches s WHERE s.id = search_id AND s.searcher = (SELECT current_setting('lintas.member', true))));
CREATE POLICY lintas_answer ON biometric_results FOR INSERT
  WITH CHECK (EXISTS (SELECT 1 FROM biometric_searches s WHERE s.id = search_id AND s.searcher = (SELECT current_setting('lintas.member', true))));
GRANT SELECT, INSERT ON biometric_results TO lintas_app;
