-- A holder's decision on a disclosure request comes at least LINTAS_DECISION_MIN_SECONDS after its
-- decider first read the request (src/platform/audit/pace.ts): the trail's rows of those reads, found
-- by request and reader without reading the rest of the trail.
CREATE INDEX audit_log_linkage_request_reads ON audit_log (object_id, user_id, at) WHERE action = 'linkage.request-read';
