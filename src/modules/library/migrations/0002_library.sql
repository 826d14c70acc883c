-- The library: documents with full-text search, shareable like every record.

CREATE TABLE library_documents (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  summary      text NOT NULL DEFAULT '' CHECK (length(summary) <= 5000),
  body         text NOT NULL DEFAULT '' CHECK (length(body) <= 2000000),
  category     text NOT NULL CHECK (category IN ('policy-guide', 'model-legislation', 'training-module', 'workshop-report', 'co-chairs-statement', 'other')),
  tags         text[] NOT NULL DEFAULT '{}',
  languages    text[] NOT NULL DEFAULT '{}',
  doc_date     date,
  file_name    text,
  file_type    text,
  file_content bytea,
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- The search index entry lives in the row, so it carries the row's sharing fields (DESIGN.md §3, rule 3).
  search       tsvector NOT NULL DEFAULT ''
);
SELECT lintas_make_shareable('library_documents');

-- A text of many distinct words can make a search vector pass PostgreSQL's 1 MB limit even when
-- cut at 900,000 characters; such a text is indexed on a shorter part instead of failing the write.
CREATE FUNCTION library_documents_search() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER library_documents_search BEFORE INSERT OR UPDATE OF title, summary, tags, body ON library_documents
  FOR EACH ROW EXECUTE FUNCTION library_documents_search();

CREATE INDEX library_documents_search_idx ON library_documents USING gin (search);
CREATE INDEX library_documents_order ON library_documents ((coalesce(doc_date, DATE '0001-01-01')) DESC, id DESC);
CREATE INDEX library_documents_tags ON library_documents USING gin (tags);
