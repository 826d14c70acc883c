import type { Database } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { defineSettings } from '../../platform/settings.js';

export const reportSettings = defineSettings({
  reciprocityMonths: { env: 'LINTAS_RECIPROCITY_MONTHS', kind: 'count', default: 12, description: "months of contribution that open other members' reports (reciprocity)" },
  releaseHours: { env: 'LINTAS_RELEASE_HOURS', kind: 'count', default: 24, description: 'hours between scheduled runs of the regional release job (it also runs when a month closes)' },
});

/**
 * Writes the reports' settings that row-level security reads (the reciprocity window) from the
 * configuration, so the database's wall and the query layer apply the same window. Run at start.
 */
export async function applyReportSettings(db: Database, months: number): Promise<void> {
  await db.ownerTransaction((tx) =>
    tx.query(sql`INSERT INTO platform_settings (key, value) VALUES ('reports.reciprocity_months', ${String(months)})
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`),
  );
}
