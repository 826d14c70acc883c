import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClamdScanner } from '../../src/platform/files/antivirus.js';
import { freePort } from './processes.js';

export const CLAMD = '/usr/sbin/clamd';

/** A developer's machine without Debian's clamd skips the virus scanner's tests with a message; CI installs it, so there they must run. */
export const clamdAvailable = existsSync(CLAMD) || process.env.CI === 'true';
if (!clamdAvailable) console.warn(`Virus scanner tests skipped: ${CLAMD} is missing (apt-get install clamav-daemon).`);

/**
 * The bytes the test signature matches, anywhere in a file. ClamAV's own signatures come from its
 * mirrors (freshclam), which these machines cannot reach; clamd loads any signature file in its
 * database folder, so the tests give it one of their own (`.ndb`: a body signature, hex bytes at any
 * offset) and scan with the real daemon and its real protocol.
 */
export const TEST_MALWARE = 'LINTAS-TEST-MALWARE-MARKER-7f3a';
/** The name clamd reports for it (it marks signatures outside its official set UNOFFICIAL). */
export const TEST_SIGNATURE = 'Lintas.Test.Marker-1.UNOFFICIAL';

export interface Clamd {
  /** Its Unix socket. */
  socket: string;
  /** Its TCP port on 127.0.0.1. */
  port: number;
  stop(): Promise<void>;
}

/** Starts clamd on a socket and a TCP port of its own, with the test signature, and waits until it answers PING. */
export async function startClamd(options: { streamMaxLength?: string } = {}): Promise<Clamd> {
  const folder = mkdtempSync(join(tmpdir(), 'lintas-clamd-'));
  const database = join(folder, 'db');
  mkdirSync(database);
  writeFileSync(join(database, 'lintas-test.ndb'), `Lintas.Test.Marker-1:0:*:${Buffer.from(TEST_MALWARE).toString('hex')}\n`);
  const socket = join(folder, 'clamd.sock');
  const port = await freePort();
  writeFileSync(
    join(folder, 'clamd.conf'),
    [
      `DatabaseDirectory ${database}`,
      `LocalSocket ${socket}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      'Foreground yes',
      `StreamMaxLength ${options.streamMaxLength ?? '1M'}`,
      // As the README asks of a production clamd: a file it would not scan whole is reported, not passed as clean.
      'MaxFileSize 512K',
      'MaxScanSize 512K',
      'AlertExceedsMax yes',
      'LogTime yes',
      `LogFile ${join(folder, 'clamd.log')}`,
    ].join('\n'),
  );
  const child: ChildProcess = spawn(CLAMD, ['-c', join(folder, 'clamd.conf')], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  const scanner = new ClamdScanner({ path: socket }, 2_000);
  const deadline = Date.now() + 60_000;
  while (!(await scanner.ping())) {
    if (exited) throw new Error(`clamd exited before it answered (see ${join(folder, 'clamd.log')})`);
    if (Date.now() > deadline) throw new Error('clamd did not answer within a minute');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    socket,
    port,
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
