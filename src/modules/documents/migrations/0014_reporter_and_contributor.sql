-- Two corrections of who sees what (issue 20, findings 3 and 9).

-- 1. A foreign-document report does not keep the reporter in the issuer's record ----------------------
--
-- Migration 0005 let the reporting member see its reports of foreign documents "whatever they
-- became": after the issuer confirmed one (the record becomes the issuer's active record, shared as
-- the issuer says) the reporter still read it, with the issuer's remarks, place and later cancel
-- reason, even when the issuer kept it to itself (and a check of the same number answered no-hit).
-- Its comment is restated here, as 0005 cannot change (it is checksummed):
--
-- The reporting member sees its own report of a foreign document while it waits for the issuer
-- (pending-confirmation) and once the issuer refused it (rejected); both hold only what the reporter
-- wrote and the issuer's decision note to it. Once confirmed the record is the issuer's, under the
-- issuer's sharing alone: the reporter sees it only as any member its audience names, and learns
-- that its report was confirmed through documents_reports_of_member() below. It may still add a
-- report for another issuer: owned by that issuer (who alone decides on it), seen by no one else.
-- The query layer says the same (documentVisibility in src/modules/documents/queries.ts).
DROP POLICY documents_reporter_see ON travel_documents;
CREATE POLICY documents_reporter_see ON travel_documents FOR SELECT
  USING (reported_by = current_setting('lintas.member', true) AND state IN ('pending-confirmation', 'rejected'));

/*
 * The reports the member of this transaction made of foreign documents, newest first: what it
 * reported (issuer, type, number, its note), where its report stands (pending-confirmation,
 * confirmed, rejected) and the issuer's decision (its note to the reporter, when). Nothing else of
 * the issuer's record: not its state after confirmation (cancelled or not), status, place, remarks
 * or sharing. The record itself is read beside it under the sharing rule (and the policy above).
 * A definer function, as row-level security cannot hide columns; keyed on lintas.member like the
 * policies, and the query layer restates its condition (listReports).
 */
CREATE FUNCTION documents_reports_of_member(wanted text, after_at timestamptz, after_id uuid, max_rows int)
RETURNS TABLE (id uuid, owner text, reported_by text, issuer text, doc_type text, number text, report_state text,
               report_note text, decision_note text, decided_at timestamptz, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT d.id, d.owner, d.reported_by, d.issuer, d.doc_type, d.number, r.report_state, d.report_note, d.decision_note, d.decided_at, d.created_at
  FROM travel_documents d
  CROSS JOIN LATERAL (SELECT CASE WHEN d.state IN ('pending-confirmation', 'rejected') THEN d.state ELSE 'confirmed' END AS report_state) r
  WHERE d.reported_by = current_setting('lintas.member', true)
    AND (wanted IS NULL OR r.report_state = wanted)
    AND (after_at IS NULL OR (d.created_at, d.id) < (after_at, after_id))
  ORDER BY d.created_at DESC, d.id DESC
  LIMIT max_rows
$$;
REVOKE ALL ON FUNCTION documents_reports_of_member(text, timestamptz, uuid, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION documents_reports_of_member(text, timestamptz, uuid, int) TO lintas_app;

-- 2. Reciprocity counts what was shared with others ---------------------------------------------------
--
-- A member contributes (DESIGN.md §3.7) by a report approved and shared beyond itself within the
-- window: one empty report left in "submitted", or one kept to the owner alone, gives the others
-- nothing and opens nothing. The query layer says the same (reportVisibility in
-- src/modules/reports/queries.ts).
CREATE OR REPLACE FUNCTION lintas_reports_contributor() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN EXISTS (
    SELECT 1 FROM reports
    WHERE owner = current_setting('lintas.member', true)
      AND status = 'shared' AND audience_kind <> 'owner'
      AND submitted_at >= now() - make_interval(months => (SELECT value::int FROM platform_settings WHERE key = 'reports.reciprocity_months')));
END
$$;
