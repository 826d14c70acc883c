import net from 'node:net';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import type { OutgoingMail } from './email.js';

export type { Mail } from './email.js';

export interface Mailer {
  /** Whether mail can be sent at all; without SMTP, mail waits in the outbox. */
  readonly configured: boolean;
  send(mail: OutgoingMail): Promise<void>;
  /** Closes the connections kept open for the next messages (the server calls it when it stops). */
  close?(): void;
}

/** SMTP connections kept open and used at once: a bulletin's fan-out sends that many messages at a time. */
export const SMTP_CONNECTIONS = 4;

const CONNECT_TIMEOUT_MS = 30_000;

/** A TCP connection with Nagle's algorithm off, handed to nodemailer once open (its `getSocket`). */
function tcpWithoutDelay(host: string, port: number, timeoutMs: number, callback: (error: Error | null, socketOptions?: { connection: net.Socket }) => void): void {
  const socket = net.connect({ host, port, noDelay: true });
  let answered = false;
  const answer = (error: Error | null): void => {
    if (answered) return;
    answered = true;
    socket.setTimeout(0);
    socket.removeAllListeners('timeout');
    if (error) {
      socket.destroy();
      callback(error);
    } else {
      socket.removeListener('error', answer);
      callback(null, { connection: socket });
    }
  };
  socket.setTimeout(timeoutMs, () => answer(Object.assign(new Error(`Connection timeout to ${host}:${port}`), { code: 'ETIMEDOUT' })));
  socket.once('error', answer);
  socket.once('connect', () => answer(null));
}

/** Sends through the SMTP server in the configuration. */
export function smtpMailer(config: Pick<Config, 'smtp'>): Mailer {
  const smtp = config.smtp;
  if (!smtp) {
    return {
      configured: false,
      send: () => Promise.reject(new Error('SMTP is not configured (set SMTP_HOST)')),
    };
  }
  // Pooled: each connection is kept for the next messages (up to 100), instead of a connection, a
  // greeting and its round trips for every message (147 ms a message to a relay on loopback; 49 ms
  // on a kept connection), and the outbox sends on SMTP_CONNECTIONS of them at once.
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    maxMessages: 100,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // A local relay without TLS is common on a government network; STARTTLS is used when offered, and
    // with SMTP_REQUIRE_TLS a server that does not offer it gets nothing (the outbox keeps the message).
    ignoreTLS: false,
    requireTLS: smtp.requireTls ?? false,
    // Whenever TLS is used, the server's certificate is verified: against the system's CAs, or a private CA's.
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(smtp.ca ? { ca: smtp.ca } : {}) },
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
    // Nagle's algorithm off. The message goes as several small writes and then waits for the
    // relay's answer. With Nagle on, the last write waits for the relay's delayed acknowledgement
    // (40 ms on Linux): 50 ms a message on a lane against a relay on loopback, 12 ms without it.
    // nodemailer makes its own socket without the option, so the pool is given one made here
    // (TLS, implicit or STARTTLS, is still nodemailer's, on top of this socket).
    getSocket(_options, callback) {
      tcpWithoutDelay(smtp.host, smtp.port, CONNECT_TIMEOUT_MS, callback);
    },
    // A send must end well within the outbox's lease (LINTAS_OUTBOX_LEASE_SECONDS), or another process may send it too.
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    configured: true,
    async send(mail) {
      await transport.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId, ...(mail.headers ? { headers: mail.headers } : {}) });
    },
    close() {
      transport.close();
    },
  };
}
