-- What each member stores in files, so that the files a member keeps are bounded as a whole (ASVS
-- 12.1.3), not only one by one. Each module that stores files keeps the count with triggers of its
-- own (library documents' files, bulletins' attachments), through file_storage_add, which only the
-- owner role may call: the triggers are definer functions, so whatever path adds or removes a file
-- (a cascade included) moves the count in the same transaction, and the application role cannot
-- move it at all. A member learns only its own figure (file_storage_used).
CREATE TABLE file_storage (
  member text PRIMARY KEY REFERENCES members (code) ON DELETE CASCADE,
  bytes  bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0)
);
-- No grant to the application role: it reads its own figure through file_storage_used only.
REVOKE ALL ON file_storage FROM PUBLIC;

-- Adds (or, negative, removes) bytes to a member's count. The row's lock is held to the end of the
-- transaction, so two uploads of one member at once are counted one after the other, each seeing
-- the other's bytes once it committed.
CREATE FUNCTION file_storage_add(owner text, delta bigint) RETURNS void
LANGUAGE sql VOLATILE SET search_path = public AS $$
  INSERT INTO file_storage AS s (member, bytes) VALUES (owner, greatest(delta, 0))
  ON CONFLICT (member) DO UPDATE SET bytes = greatest(s.bytes + delta, 0);
$$;
REVOKE ALL ON FUNCTION file_storage_add(text, bigint) FROM PUBLIC;

-- The bytes of files the transaction's member stores (0 for none, or outside a member's transaction).
CREATE FUNCTION file_storage_used() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce((SELECT bytes FROM file_storage WHERE member = current_setting('lintas.member', true)), 0);
$$;
REVOKE ALL ON FUNCTION file_storage_used() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION file_storage_used() TO lintas_app;
