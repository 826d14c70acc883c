import { UsageError, type Command, type CommandTools } from '../../platform/module.js';
import { makeRelease } from './release/job.js';
import { exportCommand, importCommand } from './transfer/cli.js';

/**
 * `lintas reports import | export | release`: the transfer's commands (transfer/cli.ts: a member's
 * file of reports in or out as a named user of the member) and the regional release run by hand.
 */

const REPORTS_HELP = `  lintas reports import --member CODE --as EMAIL [--format template|missing-migrants] [--dry-run] [--partial]
                       [--audience all|owner|members:AAA;BBB|groups:G] [--tlp GREEN] [--status draft|submitted]
                       [--date-order day-first|month-first] FILE
                                       import reports from CSV or XLSX as a user of the member; --audience and
                                       --tlp give the sharing of rows that give none (the Missing Migrants file);
                                       --date-order reads dates written with numbers only (01/09/2020)
  lintas reports export --member CODE --as EMAIL --format csv|xlsx --out FILE
                                       export the reports the user may see and pass on, in the template's columns
  lintas reports release               compute the regional release now, as the job does when a month closes
                                       (nothing is written when no record changed since the last release)`;

async function reportsRun(action: string | undefined, args: string[], tools: CommandTools): Promise<number> {
  switch (action) {
    case 'import':
      return importCommand(tools.config, args, tools.withDatabase);
    case 'export':
      return exportCommand(tools.config, args, tools.withDatabase);
    case 'release':
      return releaseCommand(args, tools.withDatabase);
    case undefined:
    default:
      throw new UsageError('lintas reports import | export | release');
  }
}

/** `lintas reports release`: the operator runs the release job now (it takes no parameters: the tables are fixed). */
async function releaseCommand(args: string[], withDatabase: CommandTools['withDatabase']): Promise<number> {
  if (args.length > 0) throw new UsageError('lintas reports release takes no arguments');
  const outcome = await withDatabase((db) => makeRelease(db, 'operator'));
  console.log(
    outcome.releaseId
      ? `Regional release ${outcome.releaseId}: ${outcome.cells} cells shown, from ${outcome.records} reports in periods before ${outcome.cutoff}.`
      : `No release made: the ${outcome.records} reports of periods before ${outcome.cutoff} are unchanged since the last release.`,
  );
  return 0;
}

export const reportsCommand: Command = {
  name: 'reports',
  help: REPORTS_HELP,
  run: (args, tools) => reportsRun(args[0], args.slice(1), tools),
};
