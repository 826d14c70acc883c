-- A library document's file counts towards its owner's stored files (migration 0058), from its
-- upload to its removal; the documents there already are counted here.
CREATE FUNCTION library_file_storage() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.file_content IS NOT NULL THEN
    PERFORM file_storage_add(OLD.owner, -octet_length(OLD.file_content));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.file_content IS NOT NULL THEN
    PERFORM file_storage_add(NEW.owner, octet_length(NEW.file_content));
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION library_file_storage() FROM PUBLIC;
CREATE TRIGGER library_file_storage AFTER INSERT OR DELETE OR UPDATE OF file_content, owner ON library_documents
  FOR EACH ROW EXECUTE FUNCTION library_file_storage();

SELECT file_storage_add(owner, sum(octet_length(file_content))) FROM library_documents WHERE file_content IS NOT NULL GROUP BY owner;
