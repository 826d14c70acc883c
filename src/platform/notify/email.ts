import { createHash } from 'node:crypto';

/** What is queued for one e-mail: the text is the one source of both parts. */
export interface Mail {
  to: string;
  subject: string;
  /** Plain text; blank lines part paragraphs, addresses (http, https) become links in the HTML part. */
  text: string;
  /** Extra header fields, such as `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058). */
  headers?: Record<string, string>;
  /** A daily digest's lines: each asked again when it leaves, and the text made from those kept (`digest.ts`). */
  lines?: DigestLine[];
}

/** An e-mail as it leaves: both parts, and a Message-ID derived from the message's idempotency key. */
export interface OutgoingMail extends Mail {
  html: string;
  messageId: string;
}

/**
 * The Message-ID of the message with this idempotency key: the same on every attempt, so a receiver
 * (or the person reading) can recognise a second copy after a crash between sending and recording it.
 */
export function messageIdFor(idempotencyKey: string, publicUrl: string): string {
  let host = 'lintas.invalid';
  try {
    host = new URL(publicUrl).hostname || host;
  } catch {
    // A malformed public address still gets a well-formed Message-ID.
  }
  const local = createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32);
  return `<${local}.lintas@${host}>`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

const LINK = /\bhttps?:\/\/[^\s<>"']+/g;

/** One line of text as HTML: escaped, its http(s) addresses made links (the address escaped in both places). */
function lineHtml(line: string): string {
  let html = '';
  let at = 0;
  for (const match of line.matchAll(LINK)) {
    // A sentence's full stop or closing bracket after an address is not part of it.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    html += escapeHtml(line.slice(at, match.index)) + `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    at = match.index + url.length;
  }
  return html + escapeHtml(line.slice(at));
}

/** The HTML part from the plain text: paragraphs at blank lines, line breaks kept, everything escaped. */
export function htmlOf(mail: Pick<Mail, 'subject' | 'text'>): string {
  const paragraphs = mail.text.trim().split(/\n\s*\n/).map((paragraph) => `<p>${paragraph.split('\n').map(lineHtml).join('<br>\n')}</p>`);
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(mail.subject)}</title></head>\n<body>\n${paragraphs.join('\n')}\n</body></html>\n`;
}

export function outgoingMail(mail: Mail, idempotencyKey: string, publicUrl: string): OutgoingMail {
  return { ...mail, html: htmlOf(mail), messageId: messageIdFor(idempotencyKey, publicUrl) };
}

/** One line of a digest: what the inbox item says, and the record it is about (asked again at sending). */
export interface DigestLine {
  text: string;
  objectType: string | null;
  objectId: string | null;
}

/** The text of a digest from the lines still readable: the lines, then the link to the inbox. */
export function digestText(lines: readonly DigestLine[], publicUrl: string): string {
  return `Your notifications of the last day in Lintas:\n\n${lines.map((line) => `- ${line.text}`).join('\n')}\n\nAll of them in your inbox: ${publicUrl}/inbox\n\n` +
    `You receive this daily because one of your subscriptions asks for a digest; change it on your account page: ${publicUrl}/account\n`;
}

