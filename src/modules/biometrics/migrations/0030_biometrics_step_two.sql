-- Step two: after a hit, the searcher asks the holder to confirm the match and disclose what the
-- agreement allows. The holder's approver compares the probe (when the agreement shows images, the
-- searcher sends it again with the request, sealed, and it is deleted once decided) with its
-- subject's image, then confirms (disclosing the agreed fields, sealed) or rejects, by a deadline.
-- Read by the searcher and the holder only.
CREATE TABLE biometric_step_two (
  id             uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  search_id      uuid NOT NULL REFERENCES biometric_searches (id) ON DELETE CASCADE,
  requester      text NOT NULL REFERENCES members (code),
  holder         text NOT NULL REFERENCES members (code),
  agreement_id   uuid NOT NULL REFERENCES biometric_agreements (id),
  purpose        text NOT NULL,
  -- The reference the searcher asks about (null under a hit-only agreement: the holder's candidates).
  reference      text,
  note           text CHECK (length(note) <= 2000),
  probe_image    bytea,
  probe_type     text CHECK (probe_type IN ('image/jpeg')),
  -- Whether the image sent gives the very template that was searched (its keyed hash is the search's).
  probe_verified boolean,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
  requested_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  requested_at   timestamptz NOT NULL DEFAULT now(),
  due_at         timestamptz NOT NULL,
  reminded_at    timestamptz,
  subject_id     uuid REFERENCES biometric_subjects (id) ON DELETE SET NULL,
  -- The disclosed fields, sealed like the gallery's; null until confirmed.
  disclosed      bytea,
  reason         text CHECK (length(reason) <= 2000),
  decided_by     uuid REFERENCES users (id) ON DELETE SET NULL,
  decided_at     timestamptz,
  UNIQUE (search_id, holder),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK (status = 'pending' OR probe_image IS NULL)
);
CREATE INDEX biometric_step_two_holder ON biometric_step_two (holder, status, due_at);
CREATE INDEX biometric_step_two_requester ON biometric_step_two (requester, id);
ALTER TABLE biometric_step_two ENABLE ROW LEVEL SECURITY;
ALTER TABLE biometric_step_two FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON biometric_step_two FOR SELECT
  USING (requester = (SELECT current_setting('lintas.member', true)) OR holder = (SELECT current_setting('lintas.member', true)));
CREATE POLICY lintas_ask ON biometric_step_two FOR INSERT WITH CHECK (requester = (SELECT current_setting('lintas.member', true)));
CREATE POLICY lintas_decide ON biometric_step_two FOR UPDATE
  USING (holder = (SELECT current_setting('lintas.member', true))) WITH CHECK (holder = (SELECT current_setting('lintas.member', true)));
GRANT SELECT, INSERT, UPDATE ON biometric_step_two TO lintas_app;
