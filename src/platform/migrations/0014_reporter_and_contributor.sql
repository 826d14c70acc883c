-- Two corrections of who sees what (issue 20, findings 3 and 9).

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
