-- Alerts on unusual activity (ASVS 8.1.4, 11.1.7, 11.1.8): the audit module's job counts, over fixed
-- windows of the audit trail, refused requests by address, failed sign-ins by account and acts by
-- one user on another member's records; a count past its threshold is an alert, raised once per
-- rule, subject and window whichever process finds it first (the unique key).
CREATE TABLE audit_alerts (
  id           uuid PRIMARY KEY DEFAULT lintas_uuid_v7(),
  rule         text NOT NULL,
  subject      text NOT NULL,
  window_start timestamptz NOT NULL,
  observed     integer NOT NULL,
  threshold    integer NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (rule, subject, window_start)
);
-- The job's and the operator's only: no member reads alerts as rows; they are told in their inbox.
REVOKE ALL ON audit_alerts FROM PUBLIC;

-- The job reads the last minutes of the trail, which is written in time order: a BRIN index finds
-- them at the cost of a few pages, and costs next to nothing to keep as rows are appended.
CREATE INDEX audit_log_at_brin ON audit_log USING brin (at);
