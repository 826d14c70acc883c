-- Request counts shared by every server process on one database (rate limits, refusals per address):
-- each process counts in memory and, every second, adds what it counted here and reads back the
-- totals (src/platform/http/shared-counts.ts). `id` is a hash of the limit and its key (a user or an
-- address), never the address itself; `window_end` is the end of a fixed window, in milliseconds
-- since 1970. Rows are useless once their window is a few minutes old and are deleted then; nothing
-- here needs to survive a crash, so the table is not written to the WAL.

CREATE UNLOGGED TABLE rate_counts (
  id         text NOT NULL,
  window_end bigint NOT NULL,
  count      integer NOT NULL CHECK (count > 0),
  PRIMARY KEY (id, window_end)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON rate_counts TO lintas_app;
