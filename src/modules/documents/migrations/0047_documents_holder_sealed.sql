-- Holder details sealed at rest (issue 27): the five holder fields leave their plain columns for one
-- sealed value (the JSON of the fields, sealed with the issuer's data key for 'documents holder',
-- platform/crypto/envelope.ts) and a keyed digest of it bound to the document, by which an import
-- tells a changed holder from an unchanged one without opening anything. A migration cannot seal
-- (the key is not in the database): the module's prepare step seals the rows still plain, in batches,
-- and empties their plain columns; from here on no row may fill them again (NOT VALID: checked for
-- every row written, the old ones left for prepare). A later migration drops the plain columns.
ALTER TABLE travel_documents ADD COLUMN holder_sealed bytea, ADD COLUMN holder_digest text;
ALTER TABLE travel_documents ADD CONSTRAINT travel_documents_holder_sealed CHECK ((holder_sealed IS NULL) = (holder_digest IS NULL));
ALTER TABLE travel_documents ADD CONSTRAINT travel_documents_holder_not_plain
  CHECK (holder_surname IS NULL AND holder_given_names IS NULL AND holder_nationality IS NULL AND holder_birth_date IS NULL AND holder_sex IS NULL) NOT VALID;
-- The rows prepare has still to seal: empty once it ran, so each start finds none at once.
CREATE INDEX travel_documents_holder_plain ON travel_documents (id)
  WHERE holder_surname IS NOT NULL OR holder_given_names IS NOT NULL OR holder_nationality IS NOT NULL OR holder_birth_date IS NOT NULL OR holder_sex IS NOT NULL;
