-- The audit trail only grows, by one row for almost every request: at a thousand requests a second,
-- millions of rows an hour. PostgreSQL's default vacuums a table that only takes inserts once they
-- reach a fifth of its size, so each vacuum of audit_log is bigger than the last (hundreds of
-- thousands of rows' pages, and the pending entries of its GIN index, at a time). On a disk shared
-- with the commits' log flushes, such a burst held those commits for seconds (bench/README.md, the
-- PostgreSQL hours). A fixed threshold makes them small and steady instead: a vacuum every 100,000
-- new rows, whatever the table's size. Analysis keeps PostgreSQL's default. No effect on PGlite,
-- which runs no autovacuum.
ALTER TABLE audit_log SET (
  autovacuum_vacuum_insert_scale_factor = 0,
  autovacuum_vacuum_insert_threshold = 100000
);
