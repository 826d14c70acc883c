-- Reports: one aggregation and one SQL reference (issue 21).
--
-- The dashboard aggregates in the server's memory (src/modules/reports/analysis/fact-store.ts,
-- migration 0007), following `report_facts` (0006) and its change log; the regional release job
-- reads `report_facts` too. Both stay. The cells in SQL over `report_facts` (0006, their fee cells
-- as 0013 redefined them) were the dashboard's path before the store, then a second comparison in
-- the property test and the bench's baseline; nothing calls them any more. The one SQL reference is
-- the computation straight from `reports` (`lintas_report_cells`, `lintas_report_fee_cells`, 0004
-- and 0013: src/modules/reports/analysis/sql-reference.ts), which the property test compares the
-- store with. The triggers, the change log, the classes and the rebuild never called these.

DROP FUNCTION lintas_report_fact_cells(jsonb);
DROP FUNCTION lintas_report_fact_fee_cells(jsonb);
DROP FUNCTION lintas_report_fact_cells_sql(jsonb, text);
