import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the local SMTP server received it: envelope, headers, and each part decoded. */
export interface ReceivedMail {
  from: string;
  to: string[];
  headers: string;
  /** The text/plain part (or the whole body of a single-part message). */
  text: string;
  /** The text/html part, if any. */
  html: string | null;
  messageId: string | null;
  subject: string | null;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function header(headers: string, name: string): string | null {
  // Folded header lines continue with white space.
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.trim() ?? null;
}

function decodeBody(headers: string, body: string): string {
  const encoding = header(headers, 'content-transfer-encoding')?.toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  return body;
}

function split(raw: string): { headers: string; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  return at < 0 ? { headers: raw, body: '' } : { headers: raw.slice(0, at), body: raw.slice(at + 4) };
}

/** Parses a raw message: single part, or multipart/alternative with a plain and an HTML part. */
export function parseMail(raw: string): Pick<ReceivedMail, 'headers' | 'text' | 'html' | 'messageId' | 'subject'> {
  const { headers, body } = split(raw);
  const type = header(headers, 'content-type') ?? 'text/plain';
  const base = { headers, messageId: header(headers, 'message-id'), subject: header(headers, 'subject') };
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary) return { ...base, text: decodeBody(headers, body), html: null };
  let text = '';
  let html: string | null = null;
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const { headers: partHeaders, body: partBody } = split(part.replace(/^\r\n/, ''));
    const partType = header(partHeaders, 'content-type') ?? 'text/plain';
    const decoded = decodeBody(partHeaders, partBody.replace(/\r\n$/, ''));
    if (/^text\/html/i.test(partType)) html = decoded;
    else if (/^text\/plain/i.test(partType)) text = decoded;
  }
  return { ...base, text, html };
}

/** An SMTP server on loopback that keeps what it receives. */
export interface LocalSmtp {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

export async function startLocalSmtp(): Promise<LocalSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        received.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((recipient) => recipient.address),
          ...parseMail(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  // A client killed mid-conversation (a server SIGKILLed by a crash test) resets its connection: like a
  // real mail server, this one goes on; any other error is printed.
  server.on('error', (error: Error & { code?: string }) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') console.error('local SMTP server:', error);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}
