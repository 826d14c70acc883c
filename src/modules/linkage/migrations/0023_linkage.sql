-- Linkage: members' leads (intelligence records about suspected smugglers and networks), and the
-- entity values of every record that offers them, each row carrying its record's access fields
-- (DESIGN.md §3, rule 3) so the one sharing rule filters links as it filters records.

-- Trigram similarity scores person names (pg_trgm is a trusted extension; PGlite loads it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE linkage_leads (
  id            uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  subject       text NOT NULL CHECK (subject IN ('person', 'network', 'vessel', 'other')),
  narrative     text NOT NULL DEFAULT '' CHECK (length(narrative) <= 100000),
  -- Where the lead was written: national phone numbers and plates without a country are read in it.
  country       text CHECK (country ~ '^[A-Z]{3}$'),
  -- The entities as the officer wrote them; their keys are in linkage_entities.
  entities      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(entities) = 'array'),
  -- Whether a member told of a match with this lead learns this member's name (else "another member").
  named_in_hits boolean NOT NULL DEFAULT true,
  created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Leads are nominal: the application defaults their audience to the owner alone.
SELECT lintas_make_shareable('linkage_leads');

-- One row per record and key. A link between two records is two rows with the same kind and key
-- (or, for names, keys similar enough): no pairwise rows, so this table grows with the entities.
CREATE TABLE linkage_entities (
  id             uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  module         text NOT NULL,
  record_type    text NOT NULL,
  record_id      uuid NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('phone', 'email', 'handle', 'travel-document', 'imo', 'mmsi', 'vessel-name', 'vehicle',
                   'iban', 'bank-account', 'mobile-money', 'crypto', 'person')),
  key            text NOT NULL CHECK (length(key) BETWEEN 1 AND 400),
  -- A person's name: its sound skeleton and year of birth (the key holds its sorted Latin words).
  skeleton       text,
  birth_year     integer CHECK (birth_year BETWEEN 1900 AND 2200),
  named_in_hits  boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (record_id, kind, key),
  CHECK ((kind = 'person') = (skeleton IS NOT NULL))
);
SELECT lintas_make_shareable('linkage_entities');
CREATE INDEX linkage_entities_key ON linkage_entities (kind, key);
CREATE INDEX linkage_entities_names ON linkage_entities USING gin (key gin_trgm_ops) WHERE kind = 'person';
CREATE INDEX linkage_entities_skeletons ON linkage_entities USING gin (skeleton gin_trgm_ops) WHERE kind = 'person';
