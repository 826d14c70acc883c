-- New audit rows compress their details with lz4 where the server has it (PostgreSQL 14 and newer
-- built with lz4, as Debian's packages are); rows already written keep pglz. A batch check's row
-- names every document checked (25 KB for a flight manifest of 1,000): pglz took about 0.25 ms more
-- of the server's CPU to store it than lz4. The stored content, and so the hash chain, is the same.
-- Where lz4 is missing (PGlite), nothing changes.
DO $$
BEGIN
  ALTER TABLE audit_log ALTER COLUMN details SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$$;
