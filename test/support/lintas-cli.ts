// The lintas command from the sources, as bin/lintas.js runs it from dist/: tests spawn it with
// `node --import tsx` to run the command as a user does, in a process of its own.
import { main } from '../../src/cli.js';

process.exitCode = await main(process.argv.slice(2));
