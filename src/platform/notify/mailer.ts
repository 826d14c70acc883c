import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import type { OutgoingMail } from './email.js';

export type { Mail } from './email.js';

export interface Mailer {
  /** Whether mail can be sent at all; without SMTP, mail waits in the outbox. */
  readonly configured: boolean;
  send(mail: OutgoingMail): Promise<void>;
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
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // A local relay without TLS is common on a government network; STARTTLS is used when offered.
    ignoreTLS: false,
    tls: { rejectUnauthorized: smtp.secure },
    // A send must end well within the outbox's lease (LINTAS_OUTBOX_LEASE_SECONDS), or another process may send it too.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    configured: true,
    async send(mail) {
      await transport.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId, ...(mail.headers ? { headers: mail.headers } : {}) });
    },
  };
}
