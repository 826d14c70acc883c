-- The plain holder columns of travel documents go (issue 27; 0047 sealed holder details at rest).
-- Rows written before 0047 keep their plain holder details until the module's prepare step seals them,
-- and prepare runs only after every migration, with the key ring (which is outside the database):
-- a database upgraded from before 0047 in one step reaches this migration with rows still plain.
-- Refusing here would leave such a database unable to start, and so unable to run the prepare step
-- that would unblock it; dropping would lose the rows. So the rows still plain move, as they are, to
-- lintas_secrets (no right for the application role, as 0044's secrets), where prepare seals them
-- into travel_documents and deletes them: the columns go now, and no row is lost. On a database that
-- has started since 0047, no row is plain and the table stays empty.
CREATE TABLE lintas_secrets.documents_holder_pending (
  document_id uuid PRIMARY KEY REFERENCES public.travel_documents (id) ON DELETE CASCADE,
  surname     text,
  given_names text,
  nationality text,
  birth_date  date,
  sex         text
);
REVOKE ALL ON lintas_secrets.documents_holder_pending FROM PUBLIC, lintas_app;
INSERT INTO lintas_secrets.documents_holder_pending (document_id, surname, given_names, nationality, birth_date, sex)
SELECT id, holder_surname, holder_given_names, holder_nationality, holder_birth_date, holder_sex FROM travel_documents
WHERE holder_surname IS NOT NULL OR holder_given_names IS NOT NULL OR holder_nationality IS NOT NULL OR holder_birth_date IS NOT NULL OR holder_sex IS NOT NULL;
DROP INDEX travel_documents_holder_plain;
ALTER TABLE travel_documents DROP CONSTRAINT travel_documents_holder_not_plain,
  DROP COLUMN holder_surname, DROP COLUMN holder_given_names, DROP COLUMN holder_nationality,
  DROP COLUMN holder_birth_date, DROP COLUMN holder_sex;
