-- A bulletin's attachments count towards its owner's stored files (migration 0058), from upload to
-- the bulletin's removal (a draft deleted takes its attachments with it); those there already are
-- counted here. The count goes down before the bulletin goes, while its owner is still known; an
-- attachment removed on its own finds its bulletin and counts down then.
CREATE FUNCTION bulletin_attachment_storage() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  owned_by text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT owner INTO owned_by FROM bulletins WHERE id = NEW.bulletin_id;
    PERFORM file_storage_add(owned_by, NEW.size);
  ELSE
    -- Gone with its bulletin (a cascade): bulletin_file_storage counted it down already.
    SELECT owner INTO owned_by FROM bulletins WHERE id = OLD.bulletin_id;
    IF FOUND THEN
      PERFORM file_storage_add(owned_by, -OLD.size);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION bulletin_attachment_storage() FROM PUBLIC;
CREATE TRIGGER bulletin_attachment_storage AFTER INSERT OR DELETE ON bulletin_attachments
  FOR EACH ROW EXECUTE FUNCTION bulletin_attachment_storage();

CREATE FUNCTION bulletin_file_storage() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM file_storage_add(OLD.owner, -coalesce((SELECT sum(size) FROM bulletin_attachments WHERE bulletin_id = OLD.id), 0));
  RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION bulletin_file_storage() FROM PUBLIC;
CREATE TRIGGER bulletin_file_storage BEFORE DELETE ON bulletins FOR EACH ROW EXECUTE FUNCTION bulletin_file_storage();

SELECT file_storage_add(b.owner, sum(a.size)) FROM bulletin_attachments a JOIN bulletins b ON b.id = a.bulletin_id GROUP BY b.owner;
