import { verifyAudit } from '../../platform/audit/verify.js';
import { UsageError, type Command } from '../../platform/module.js';

export const auditCommand: Command = {
  name: 'audit',
  help: `  lintas audit verify                  check the audit trail's hash chains; exits 1 naming the first bad row`,
  async run(args, tools) {
    if (args[0] !== 'verify' || args.length > 1) throw new UsageError('lintas audit verify');
    return tools.withDatabase(async (db) => {
      const verdict = await verifyAudit(db);
      if (verdict.ok) {
        console.log(`Audit trail intact: ${verdict.rows} rows verified.`);
        return 0;
      }
      const bad = verdict.firstBad;
      console.error(`Audit trail BROKEN at row ${bad?.seq} (lane ${bad?.lane}, position ${bad?.laneSeq}): ${bad?.problem}.`);
      return 1;
    });
  },
};
