-- A text of many distinct words can make a search vector past PostgreSQL's 1 MB limit even when cut
-- at 900,000 characters, which failed the write. Index a shorter part of such a text instead.

CREATE OR REPLACE FUNCTION library_documents_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head tsvector :=
    setweight(to_tsvector('english', NEW.title), 'A') ||
    setweight(to_tsvector('english', NEW.summary || ' ' || array_to_string(NEW.tags, ' ')), 'B');
BEGIN
  BEGIN
    NEW.search := head || setweight(to_tsvector('english', left(NEW.body, 900000)), 'C');
  EXCEPTION WHEN program_limit_exceeded THEN
    -- 60,000 characters stay far below the limit whatever the words (at most a few hundred kB).
    NEW.search := head || setweight(to_tsvector('english', left(NEW.body, 60000)), 'C');
  END;
  RETURN NEW;
END
$$;
