import { EntityError } from '../../../platform/entities.js';
import { normalisePhone } from './phone.js';
import { foldLookAlikes } from './text.js';
import { PLATFORMS } from '../codes.js';

/** Mail providers where `+tag` reaches the same mailbox, and those (Gmail) where dots are ignored too. */
const PLUS_TAGS = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'icloud.com', 'me.com', 'proton.me', 'protonmail.com', 'fastmail.com']);
const DOTLESS = new Set(['gmail.com', 'googlemail.com']);

/**
 * An e-mail address as one mailbox: lower case, the domain in its ASCII (IDNA) form, and the forms
 * that reach the same Gmail, Outlook or iCloud mailbox (`J.Doe+x@gmail.com`) made one.
 */
export function normaliseEmail(raw: string): string {
  const text = foldLookAlikes(raw).trim().replace(/^mailto:/i, '').toLowerCase();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) throw new EntityError('an e-mail address reads name@domain, such as someone@example.org');
  let local = text.slice(0, at);
  let domain: string;
  try {
    domain = new URL(`http://${text.slice(at + 1)}`).hostname;
  } catch {
    throw new EntityError(`"${text.slice(at + 1)}" is not a mail domain`);
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw new EntityError(`"${text.slice(at + 1)}" is not a mail domain (it needs a dot, such as example.org)`);
  if (/\s/.test(local) || local.length > 64) throw new EntityError('the part before @ has no spaces and at most 64 characters');
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (PLUS_TAGS.has(domain)) local = local.replace(/\+.*$/, '');
  if (DOTLESS.has(domain)) local = local.replace(/\./g, '');
  if (local === '') throw new EntityError('the part before @ is empty');
  return `${local}@${domain}`;
}

export { PLATFORMS };
export type Platform = (typeof PLATFORMS)[number];

/** Platforms whose accounts are phone numbers. */
const PHONE_PLATFORMS = new Set<Platform>(['whatsapp', 'viber', 'imo']);

const WA_ME = /^(?:https?:\/\/)?(?:wa\.me\/|api\.whatsapp\.com\/send\?phone=)\+?(\d+)/i;

/** Profile links (`https://t.me/name`, `facebook.com/name`, `wa.me/62812…`) as the bare handle. */
const LINKS: readonly RegExp[] = [
  /^(?:https?:\/\/)?(?:www\.|m\.|web\.)?(?:t\.me|telegram\.me|telegram\.dog)\/(?:s\/)?([^/?#]+)/i,
  /^(?:https?:\/\/)?(?:www\.|m\.|web\.)?(?:facebook\.com|fb\.com)\/(?:profile\.php\?id=)?([^/?#&]+)/i,
  /^(?:https?:\/\/)?(?:www\.)?instagram\.com\/([^/?#]+)/i,
  /^(?:https?:\/\/)?(?:www\.)?tiktok\.com\/@?([^/?#]+)/i,
  /^(?:https?:\/\/)?(?:www\.)?(?:x|twitter)\.com\/([^/?#]+)/i,
  WA_ME,
  /^(?:https?:\/\/)?line\.me\/(?:ti\/p|R\/ti\/p)\/~?([^/?#]+)/i,
];

/**
 * A messaging or social-media account as platform and handle: the profile link or `@` dropped, lower
 * case (these platforms ignore case), Facebook's dots ignored, and the phone-number platforms'
 * accounts in E.164 read in the record's country. Telegram and Signal accept either a phone number or
 * a username. Answers `platform:handle`.
 */
export function normaliseHandle(platform: string, raw: string, country?: string): string {
  const name = platform.trim().toLowerCase() as Platform;
  if (!PLATFORMS.includes(name)) throw new EntityError(`the platform is one of ${PLATFORMS.join(', ')}`, 'platform');
  let text = foldLookAlikes(raw).trim();
  for (const link of LINKS) {
    const match = link.exec(text);
    if (match?.[1]) {
      // wa.me links carry the number in international form without its plus.
      text = (link === WA_ME ? '+' : '') + decodeURIComponent(match[1]);
      break;
    }
  }
  text = text.replace(/^[@~]/, '').trim();
  if (text === '') throw new EntityError('the handle is empty');
  const looksLikePhone = /^\+?[\d\s().-]{6,}$/.test(text);
  if (PHONE_PLATFORMS.has(name) || ((name === 'telegram' || name === 'signal') && looksLikePhone)) {
    return `${name}:${normalisePhone(text, country)}`;
  }
  let handle = text.toLowerCase();
  if (name === 'facebook') handle = handle.replace(/\./g, '');
  if (name === 'telegram' && !/^[a-z][a-z0-9_]{3,31}$/.test(handle)) {
    throw new EntityError('a Telegram username has 4–32 letters, digits and underscores and starts with a letter (or give the phone number)');
  }
  if (/\s/.test(handle)) throw new EntityError(`a ${name} handle has no spaces`);
  return `${name}:${handle}`;
}
