/**
 * Uploads scanned by a virus scanner before anything keeps them (ASVS 12.4.2): ClamAV's daemon,
 * `clamd`, asked over its own protocol (INSTREAM: the file in length-prefixed chunks on a Unix socket
 * or TCP, one connection a file). Configured with `LINTAS_CLAMD` (a socket path, or `host:port`);
 * unset, nothing is scanned. When it is set the scan fails closed: a file is taken only once clamd
 * said it is clean; a scanner that cannot be reached, is too slow or answers an error refuses the
 * upload with 503 and `Retry-After`, and a file larger than clamd takes (its `StreamMaxLength`) with 413.
 */
import { createConnection, type Socket } from 'node:net';
import { Problem } from '../errors.js';

/** Where clamd listens: its Unix socket, or a TCP address. */
export type ClamdAddress = { path: string } | { host: string; port: number };

/** What a scan found: nothing, or the name of the signature that matched. */
export type ScanResult = { clean: true } | { clean: false; signature: string };

/** The scan could not be made (clamd down, too slow, or an error of its own): the file is refused, and may be sent again. */
export class ScannerUnavailable extends Error {}

/** The file is larger than clamd takes in one stream: it cannot be scanned, so it is refused. */
export class ScanTooLarge extends Error {}

/** clamd dropped the connection while the file was still being sent, before its answer could be read. */
class StreamCut extends ScannerUnavailable {}

/** `LINTAS_CLAMD`: a socket path (`/run/clamav/clamd.ctl`) or `host:port` (`clamav:3310`). */
export function parseClamdAddress(value: string): ClamdAddress {
  const text = value.trim();
  if (text.startsWith('/')) return { path: text };
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`LINTAS_CLAMD must be clamd's socket path (/run/clamav/clamd.ctl) or host:port (clamav:3310), not "${text}"`);
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

const where = (address: ClamdAddress): string => ('path' in address ? address.path : `${address.host}:${address.port}`);

/** Chunks of the stream (clamd's own reads are of this order; any size up to its limit works). */
const CHUNK = 64 * 1024;

/** clamd's daemon, asked one file a connection. */
export class ClamdScanner {
  constructor(
    private readonly address: ClamdAddress,
    /** The most a scan may take, connection included. */
    private readonly timeoutMs = 30_000,
  ) {}

  /** Sends `command` (and `body`, for INSTREAM) and returns clamd's answer, without its terminating NUL. */
  private ask(command: 'zPING' | 'zINSTREAM', body?: Uint8Array): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket: Socket = 'path' in this.address ? createConnection({ path: this.address.path }) : createConnection({ host: this.address.host, port: this.address.port });
      const received: Buffer[] = [];
      let settled = false;
      const finish = (error: Error | undefined, answer?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(answer ?? '');
      };
      const timer = setTimeout(() => finish(new ScannerUnavailable(`the virus scanner at ${where(this.address)} did not answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      let connected = false;
      // An answer clamd gave before it closed, even without its NUL, is its answer.
      const answered = (): string | undefined => {
        const all = Buffer.concat(received);
        const end = all.indexOf(0);
        return end >= 0 ? all.subarray(0, end).toString('utf8') : all.length > 0 ? all.toString('utf8').trim() : undefined;
      };
      const cut = (reason: string): void => {
        const answer = answered();
        if (answer !== undefined) finish(undefined, answer);
        else if (connected && body) finish(new StreamCut(`the virus scanner at ${where(this.address)} ${reason} while the file was sent`));
        else finish(new ScannerUnavailable(`the virus scanner at ${where(this.address)} ${connected ? reason : `cannot be reached (${reason})`}`));
      };
      socket.on('error', (error) => cut(error.message));
      socket.on('data', (data: Buffer) => {
        received.push(data);
        if (Buffer.concat(received).includes(0)) finish(undefined, answered());
      });
      // clamd closes the connection once it answered; a close before the NUL is an answer cut short.
      socket.on('close', () => cut('closed the connection without an answer'));
      const send = (bytes: Uint8Array): Promise<void> => new Promise((done) => socket.write(bytes, () => done()));
      socket.on('connect', () => {
        connected = true;
        void (async () => {
          await send(Buffer.from(`${command}\0`));
          if (!body) return;
          // A chunk at a time, so that an answer clamd gives early (its size limit) is read before more is sent.
          for (let at = 0; at < body.length && !settled; at += CHUNK) {
            const chunk = body.subarray(at, Math.min(at + CHUNK, body.length));
            const length = Buffer.alloc(4);
            length.writeUInt32BE(chunk.length);
            await send(Buffer.concat([length, chunk]));
          }
          // A chunk of length 0 ends the stream.
          if (!settled) await send(Buffer.alloc(4));
        })();
      });
    });
  }

  /** Whether clamd answers (`PONG`). */
  async ping(): Promise<boolean> {
    try {
      return (await this.ask('zPING')) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Scans `content`: clean, or the signature clamd found; throws ScannerUnavailable or ScanTooLarge when it cannot say. */
  async scan(content: Uint8Array): Promise<ScanResult> {
    let answer: string;
    try {
      answer = await this.ask('zINSTREAM', content);
    } catch (error) {
      // clamd stops reading a stream past its StreamMaxLength and closes the connection; its answer
      // can be lost to the reset. A daemon that still answers PING stopped reading this file.
      if (error instanceof StreamCut && (await this.ping())) throw new ScanTooLarge(`the file is larger than the virus scanner at ${where(this.address)} takes (its StreamMaxLength)`);
      throw error;
    }
    // "stream: OK", "stream: Win.Test.EICAR_HDB-1 FOUND", "INSTREAM size limit exceeded. ERROR", "<reason> ERROR".
    if (answer === 'stream: OK') return { clean: true };
    const found = /^stream: (.+) FOUND$/.exec(answer);
    // With AlertExceedsMax, a file past clamd's MaxFileSize or MaxScanSize (read whole but not scanned
    // whole) is reported as Heuristics.Limits.Exceeded.*: it was not checked, so it is refused as too large.
    if (found?.[1]?.startsWith('Heuristics.Limits.Exceeded')) throw new ScanTooLarge(`the file is larger than the virus scanner at ${where(this.address)} checks (${found[1]})`);
    if (found?.[1]) return { clean: false, signature: found[1] };
    if (/size limit exceeded/i.test(answer)) throw new ScanTooLarge(`the file is larger than the virus scanner at ${where(this.address)} takes (its StreamMaxLength)`);
    throw new ScannerUnavailable(`the virus scanner at ${where(this.address)} answered "${answer.slice(0, 200)}"`);
  }
}

const scanners = new WeakMap<ClamdAddress, ClamdScanner>();

/** The scanner of a configuration's `clamd`, or undefined when none is configured. */
export function scannerOf(address: ClamdAddress | undefined): ClamdScanner | undefined {
  if (!address) return undefined;
  let scanner = scanners.get(address);
  if (!scanner) scanners.set(address, (scanner = new ClamdScanner(address)));
  return scanner;
}

/**
 * Scans an upload with the configured scanner: returns the signature found (the caller refuses the
 * file and records it), or undefined when the file is clean or no scanner is configured; turns a scan
 * that cannot be made into the client's problem (503 with Retry-After, or 413), so nothing is kept.
 */
export async function scanUpload(scanner: ClamdScanner | undefined, content: Uint8Array): Promise<string | undefined> {
  if (!scanner) return undefined;
  try {
    const result = await scanner.scan(content);
    return result.clean ? undefined : result.signature;
  } catch (error) {
    if (error instanceof ScanTooLarge) {
      throw new Problem(413, 'File too large to scan', 'The file is larger than the virus scanner takes, so it cannot be checked; it was not kept. Send a smaller file.', [{ pointer: '/file', detail: 'is larger than the virus scanner takes' }]);
    }
    if (error instanceof ScannerUnavailable) {
      throw new Problem(503, 'Virus scanner unavailable', 'Uploads are checked for viruses before they are kept, and the scanner cannot check this one now; nothing was kept. Send it again in a minute.', undefined, undefined, { 'retry-after': '60' });
    }
    throw error;
  }
}
