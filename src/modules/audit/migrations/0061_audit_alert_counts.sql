-- The alerts' counts kept as the trail grows (alerts.ts), instead of counted again from the trail
-- every minute: each minute the job reads only the rows appended since it last read (a cursor per
-- lane of the trail; a lane's rows are appended one transaction after the other, so its sequence is
-- its commit order and no row is passed over), adds them to the counts of their window by rule,
-- subject and act, and raises an alert for a count at its threshold. Counts of windows that are over
-- are removed. The job's only, as audit_alerts is.
CREATE TABLE audit_alert_cursor (
  lane     smallint PRIMARY KEY,
  last_seq bigint NOT NULL
);
REVOKE ALL ON audit_alert_cursor FROM PUBLIC;

CREATE TABLE audit_alert_counts (
  rule         text NOT NULL,
  subject      text NOT NULL,
  window_start timestamptz NOT NULL,
  -- The audit action (or, for failed sign-ins, the reason) counted.
  act          text NOT NULL,
  n            integer NOT NULL,
  PRIMARY KEY (rule, subject, window_start, act)
);
REVOKE ALL ON audit_alert_counts FROM PUBLIC;
