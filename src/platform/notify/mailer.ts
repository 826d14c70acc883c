import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Whether mail can be sent at all; without SMTP, mail waits in the outbox. */
  readonly configured: boolean;
  send(mail: Mail): Promise<void>;
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
  });
  return {
    configured: true,
    async send(mail) {
      await transport.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
