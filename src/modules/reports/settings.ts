import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';

/**
 * Writes the reports' settings that row-level security reads (the reciprocity window) from the
 * configuration, so the database's wall and the query layer apply the same window. Run at start.
 */
export async function applyReportSettings(db: Database, config: Pick<Config, 'reciprocityMonths'>): Promise<void> {
  await db.ownerTransaction((tx) =>
    tx.query(sql`INSERT INTO platform_settings (key, value) VALUES ('reports.reciprocity_months', ${String(config.reciprocityMonths)})
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`),
  );
}
