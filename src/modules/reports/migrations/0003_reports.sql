-- Incident reports (the voluntary reporting system): non-nominal, shareable, with the columns the
-- regional analysis aggregates derived from the nested parts at every write.

CREATE TABLE platform_settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO platform_settings (key, value) VALUES ('reports.reciprocity_months', '12');
GRANT SELECT ON platform_settings TO lintas_app;

CREATE TABLE reports (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code_list_version      smallint NOT NULL,
  status                 text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'shared', 'withdrawn')),
  agency                 text CHECK (length(agency) <= 200),
  occurred_from          date,
  occurred_to            date CHECK (occurred_to >= occurred_from),
  country                text NOT NULL CHECK (country ~ '^[A-Z]{3}$'),
  place                  text CHECK (length(place) <= 200),
  latitude               double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude              double precision CHECK (longitude BETWEEN -180 AND 180),
  place_kind             text,
  incident_type          text NOT NULL,
  origin                 text,
  destination            text,
  route                  jsonb NOT NULL DEFAULT '[]',
  people                 jsonb NOT NULL DEFAULT '[]',
  vulnerabilities        text[] NOT NULL DEFAULT '{}',
  -- Derived at every write from route and people, for aggregation (see derive.ts).
  modes                  text[] NOT NULL DEFAULT '{}',
  flows                  text[] NOT NULL DEFAULT '{}',
  citizenships           text[] NOT NULL DEFAULT '{}',
  people_total           int NOT NULL DEFAULT 0,
  adult_men              int NOT NULL DEFAULT 0,
  adult_women            int NOT NULL DEFAULT 0,
  boys                   int NOT NULL DEFAULT 0,
  girls                  int NOT NULL DEFAULT 0,
  unknown_sex_or_age     int NOT NULL DEFAULT 0,
  unaccompanied_children int NOT NULL DEFAULT 0,
  intercepted            int NOT NULL DEFAULT 0,
  rescued                int NOT NULL DEFAULT 0,
  dead                   int NOT NULL DEFAULT 0,
  missing                int NOT NULL DEFAULT 0,
  returned               int NOT NULL DEFAULT 0,
  claimed_asylum         int NOT NULL DEFAULT 0,
  fee_amount             numeric(14, 2),
  fee_currency           text,
  fee_basis              text,
  fee_per_person         numeric(14, 2),
  fee_payment_methods    text[] NOT NULL DEFAULT '{}',
  fee_covers             text[] NOT NULL DEFAULT '{}',
  smugglers_count        int,
  smuggler_citizenships  text[] NOT NULL DEFAULT '{}',
  smuggler_roles         text[] NOT NULL DEFAULT '{}',
  methods                text[] NOT NULL DEFAULT '{}',
  document_kinds         text[] NOT NULL DEFAULT '{}',
  document_issuers       text[] NOT NULL DEFAULT '{}',
  arrests                int NOT NULL DEFAULT 0,
  charges                int NOT NULL DEFAULT 0,
  prosecutions           int NOT NULL DEFAULT 0,
  convictions            int NOT NULL DEFAULT 0,
  source                 text CHECK (length(source) <= 300),
  narrative              text NOT NULL DEFAULT '' CHECK (length(narrative) <= 4000),
  counts_in_regional     boolean NOT NULL DEFAULT false,
  -- Imports: the same source row imported twice is one report.
  import_source          text,
  import_key             text,
  created_by             uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  submitted_at           timestamptz,
  submitted_by           uuid REFERENCES users (id) ON DELETE SET NULL,
  approved_at            timestamptz,
  approved_by            uuid REFERENCES users (id) ON DELETE SET NULL,
  withdrawn_at           timestamptz,
  CHECK ((import_source IS NULL) = (import_key IS NULL))
);
SELECT lintas_make_shareable('reports');
CREATE UNIQUE INDEX reports_import_key ON reports (owner, import_source, import_key) WHERE import_key IS NOT NULL;
CREATE INDEX reports_occurred ON reports (occurred_from);
CREATE INDEX reports_status_owner ON reports (status, owner);
CREATE INDEX reports_country ON reports (country);

-- Whether the member of this transaction has contributed a report within the reciprocity window.
CREATE FUNCTION lintas_reports_contributor() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (
    SELECT 1 FROM reports
    WHERE owner = current_setting('lintas.member', true)
      AND status IN ('submitted', 'shared')
      AND submitted_at >= now() - make_interval(months => (SELECT value::int FROM platform_settings WHERE key = 'reports.reciprocity_months'))
  )
$$;
GRANT EXECUTE ON FUNCTION lintas_reports_contributor() TO lintas_app;

-- On top of the sharing rule: others see a report only once approved and shared (drafts, submitted
-- and withdrawn reports are the owner's), and only while they contribute themselves (reciprocity).
CREATE POLICY reports_shared_only ON reports AS RESTRICTIVE FOR SELECT
  USING (owner = current_setting('lintas.member', true) OR status = 'shared');
CREATE POLICY reports_reciprocity ON reports AS RESTRICTIVE FOR SELECT
  USING (owner = current_setting('lintas.member', true) OR (SELECT lintas_reports_contributor()));
