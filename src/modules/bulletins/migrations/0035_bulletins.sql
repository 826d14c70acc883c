-- Bulletins: the liaison network's alerts and notes, shareable like every record. Their versions,
-- attachments, comments, acknowledgements and read marks are rows of their own whose row-level
-- security asks whether the bulletin is visible (the subquery is itself under the bulletins'
-- policy), so when a bulletin's sharing narrows, everything hanging from it narrows with it.

CREATE TABLE bulletins (
  id          uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  type        text NOT NULL CHECK (type IN ('alert', 'document-fraud-alert', 'method-note', 'route-trend-note', 'visa-integrity-note', 'training-opportunity')),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  body        text NOT NULL CHECK (length(body) <= 100000),
  countries   text[] NOT NULL DEFAULT '{}',
  places      text[] NOT NULL DEFAULT '{}',
  tags        text[] NOT NULL DEFAULT '{}',
  -- Phones, handles, travel documents and vessels the bulletin names, offered to linkage (entities.ts).
  entities    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(entities) = 'array'),
  expires_at  timestamptz,
  -- The current version; every version, this one included, is in bulletin_versions.
  version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT lintas_make_shareable('bulletins');
CREATE INDEX bulletins_tags ON bulletins USING gin (tags);
CREATE INDEX bulletins_countries ON bulletins USING gin (countries);

-- Whether the current member owns the bulletin (and so may see it): for the children's write policies.
CREATE FUNCTION bulletin_owned(bulletin uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin AND b.owner = current_setting('lintas.member', true))
$$;

CREATE TABLE bulletin_versions (
  bulletin_id  uuid NOT NULL REFERENCES bulletins (id) ON DELETE CASCADE,
  version      integer NOT NULL CHECK (version >= 1),
  type         text NOT NULL,
  title        text NOT NULL,
  body         text NOT NULL,
  countries    text[] NOT NULL,
  places       text[] NOT NULL,
  tags         text[] NOT NULL,
  entities     jsonb NOT NULL DEFAULT '[]',
  expires_at   timestamptz,
  -- Why this version was made (empty for the first).
  note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bulletin_id, version)
);
ALTER TABLE bulletin_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE bulletin_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON bulletin_versions FOR SELECT USING (EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin_id));
CREATE POLICY lintas_add ON bulletin_versions FOR INSERT WITH CHECK (bulletin_owned(bulletin_id));
GRANT SELECT, INSERT ON bulletin_versions TO lintas_app;

CREATE TABLE bulletin_attachments (
  id            uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  bulletin_id   uuid NOT NULL REFERENCES bulletins (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  -- Sniffed from the bytes, never taken from the name or the client.
  content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'application/pdf')),
  size          integer NOT NULL CHECK (size > 0),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content       bytea NOT NULL,
  width         integer,
  height        integer,
  created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bulletin_attachments_bulletin ON bulletin_attachments (bulletin_id, id);
ALTER TABLE bulletin_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE bulletin_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON bulletin_attachments FOR SELECT USING (EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin_id));
CREATE POLICY lintas_add ON bulletin_attachments FOR INSERT WITH CHECK (bulletin_owned(bulletin_id));
GRANT SELECT, INSERT ON bulletin_attachments TO lintas_app;

-- A comment is readable by exactly who can read its bulletin; written by any of them.
CREATE TABLE bulletin_comments (
  id           uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  bulletin_id  uuid NOT NULL REFERENCES bulletins (id) ON DELETE CASCADE,
  member       text NOT NULL REFERENCES members (code),
  user_id      uuid REFERENCES users (id) ON DELETE SET NULL,
  author_name  text NOT NULL CHECK (length(author_name) <= 300),
  body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bulletin_comments_bulletin ON bulletin_comments (bulletin_id, id);
ALTER TABLE bulletin_comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE bulletin_comments FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON bulletin_comments FOR SELECT USING (EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin_id));
CREATE POLICY lintas_add ON bulletin_comments FOR INSERT
  WITH CHECK (member = current_setting('lintas.member', true) AND EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin_id));
GRANT SELECT, INSERT ON bulletin_comments TO lintas_app;

-- Acknowledgements (read, acted on): the bulletin's owner sees everyone's, a recipient only its own member's.
CREATE TABLE bulletin_acknowledgements (
  bulletin_id  uuid NOT NULL REFERENCES bulletins (id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('read', 'acted-on')),
  member       text NOT NULL REFERENCES members (code),
  user_name    text NOT NULL CHECK (length(user_name) <= 300),
  version      integer NOT NULL,
  note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bulletin_id, user_id, kind)
);
ALTER TABLE bulletin_acknowledgements ENABLE ROW LEVEL SECURITY;
ALTER TABLE bulletin_acknowledgements FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_see ON bulletin_acknowledgements FOR SELECT USING (
  (member = current_setting('lintas.member', true) AND EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin_id))
  OR bulletin_owned(bulletin_id));
CREATE POLICY lintas_add ON bulletin_acknowledgements FOR INSERT
  WITH CHECK (member = current_setting('lintas.member', true) AND EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin_id));
GRANT SELECT, INSERT ON bulletin_acknowledgements TO lintas_app;

-- Which version of a bulletin each user last opened (the list's unread marks); each member sees its own users' only.
CREATE TABLE bulletin_views (
  bulletin_id  uuid NOT NULL REFERENCES bulletins (id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  member       text NOT NULL REFERENCES members (code),
  version      integer NOT NULL,
  seen_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bulletin_id, user_id)
);
ALTER TABLE bulletin_views ENABLE ROW LEVEL SECURITY;
ALTER TABLE bulletin_views FORCE ROW LEVEL SECURITY;
CREATE POLICY lintas_own ON bulletin_views FOR ALL
  USING (member = current_setting('lintas.member', true) AND EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin_id))
  WITH CHECK (member = current_setting('lintas.member', true) AND EXISTS (SELECT 1 FROM bulletins b WHERE b.id = bulletin_id));
GRANT SELECT, INSERT, UPDATE ON bulletin_views TO lintas_app;
