-- The test-only notes module's table (test/support/notes-module): one text per member.
CREATE TABLE test_notes (
  id     serial PRIMARY KEY,
  owner  text NOT NULL REFERENCES members (code),
  body   text NOT NULL
);
ALTER TABLE test_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY test_notes_own ON test_notes USING (owner = current_setting('lintas.member', true));
GRANT SELECT, INSERT ON test_notes TO lintas_app;
GRANT USAGE ON SEQUENCE test_notes_id_seq TO lintas_app;
