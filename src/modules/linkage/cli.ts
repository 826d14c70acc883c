import { sql } from '../../platform/db/sql.js';
import { UsageError, type Command } from '../../platform/module.js';
import { linkageSettings } from './settings.js';

/**
 * `lintas linkage relink-names`: every pair of similar person names found again at today's
 * LINTAS_LINKAGE_NAME_SIMILARITY (migration 0033). Run it after changing the setting: the matcher
 * stores pairs as records are written, so pairs stored before the change keep the old threshold.
 */
export const linkageCommand: Command = {
  name: 'linkage',
  help: `  lintas linkage relink-names          find every pair of similar person names again (after changing LINTAS_LINKAGE_NAME_SIMILARITY)`,
  async run(args, tools) {
    if (args[0] !== 'relink-names' || args.length > 1) throw new UsageError('lintas linkage relink-names');
    const threshold = linkageSettings.of(tools.config).nameSimilarity / 100;
    return tools.withDatabase(async (db) => {
      const started = performance.now();
      const stored = await db.ownerTransaction((tx) => tx.one<{ n: string }>(sql`SELECT linkage_rebuild_name_pairs(${threshold}::real) AS n`));
      console.log(`Name pairs at similarity ${threshold}: ${Number(stored.n).toLocaleString('en')} stored in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
      return 0;
    });
  },
};
