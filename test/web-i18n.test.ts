import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  isArgumentElement,
  isDateElement,
  isNumberElement,
  isPluralElement,
  isSelectElement,
  isTagElement,
  isTimeElement,
  parse,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';
import { createIntl } from 'react-intl';
import { describe, expect, test } from 'vitest';
import { chooseLocale, LOCALE_STORAGE_KEY, rememberAsked } from '../web/src/i18n/locale.js';
import en from '../web/src/i18n/messages/en.json' with { type: 'json' };
import { accent, pseudoCatalogue, PSEUDO_LETTERS } from '../web/src/i18n/pseudo.js';

// The web app's catalogue against its code: every message id the code names is in the catalogue,
// and every message of the catalogue is named by the code. Ids are named as literals in `t('…')`,
// `t.rich('…')` and `msg('…')` (web/src/i18n/README.md); a computed id would escape this check, so
// it is refused too.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web/src');
const catalogue: Record<string, string> = en;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const USE = /\b(?:t|t\.rich|msg)\(\s*(['"])([^'"]*)\1/g;
const COMPUTED = /\b(?:t|t\.rich|msg)\(\s*`[^`]*\$\{/g;

function idsUsed(): { ids: Map<string, string[]>; computed: string[] } {
  const ids = new Map<string, string[]>();
  const computed: string[] = [];
  for (const file of sourceFiles(web)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(root, file);
    for (const match of text.matchAll(USE)) {
      const id = match[2] ?? '';
      ids.set(id, [...(ids.get(id) ?? []), where]);
    }
    for (const match of text.matchAll(COMPUTED)) computed.push(`${where}: ${match[0]}`);
  }
  return { ids, computed };
}

describe('the English catalogue and the code', () => {
  const { ids, computed } = idsUsed();

  test('the code names every message by a literal id', () => {
    expect(computed).toEqual([]);
    expect(ids.size).toBeGreaterThan(300);
  });

  test('every id the code names is in the catalogue', () => {
    const missing = [...ids].filter(([id]) => !(id in catalogue)).map(([id, files]) => `${id} (${files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  test('every message of the catalogue is used', () => {
    expect(Object.keys(catalogue).filter((id) => !ids.has(id))).toEqual([]);
  });

  test('ids are dotted words and messages are valid ICU MessageFormat', () => {
    for (const [id, message] of Object.entries(catalogue)) {
      expect(id, id).toMatch(/^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)+$/);
      expect(() => parse(message), id).not.toThrow();
      expect(message.trim(), id).not.toBe('');
    }
  });

  test('the checks catch a missing and an unused id', () => {
    // The same scan over a made-up file: one id that is not in the catalogue, one computed id.
    const text = "t('shell.signOut'); t.rich('no.such.message', {}); msg(`role.${role}`)";
    const named = [...text.matchAll(USE)].map((match) => match[2]);
    expect(named.filter((id) => id !== undefined && !(id in catalogue))).toEqual(['no.such.message']);
    expect([...text.matchAll(COMPUTED)]).toHaveLength(1);
  });
});

describe('plurals, dates and numbers come from the locale', () => {
  const intl = createIntl({ locale: 'en-GB', messages: catalogue });

  test('plural forms', () => {
    expect(intl.formatMessage({ id: 'inbox.unread' }, { count: 0 })).toBe('No unread notifications.');
    expect(intl.formatMessage({ id: 'inbox.unread' }, { count: 1 })).toBe('1 unread notification.');
    expect(intl.formatMessage({ id: 'inbox.unread' }, { count: 1234 })).toBe('1,234 unread notifications.');
    expect(intl.formatMessage({ id: 'account.password.changed' }, { sessions: 0, tokens: 0 })).toBe('Your password was changed. You had no other sessions.');
    expect(intl.formatMessage({ id: 'account.password.changed' }, { sessions: 1, tokens: 2 })).toBe('Your password was changed. 1 other session was signed out. 2 API tokens were revoked.');
  });

  test('a day in British English, as the English catalogue is', () => {
    expect(intl.formatDate(new Date('2025-05-20T00:00:00Z'), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })).toBe('20 May 2025');
  });
});

describe('the locale of a visit', () => {
  test('the browser’s languages in order, matched by language, English otherwise', () => {
    expect(chooseLocale({ asked: null, stored: null, languages: ['en-US'] })).toEqual({ catalogue: 'en', formats: 'en-GB', lang: 'en-GB' });
    expect(chooseLocale({ asked: null, stored: null, languages: ['th-TH', 'en-AU'] }).catalogue).toBe('en');
    expect(chooseLocale({ asked: null, stored: null, languages: [] }).catalogue).toBe('en');
  });

  test('the address, then storage, come before the browser; an unknown wish is passed over', () => {
    expect(chooseLocale({ asked: 'pseudo', stored: null, languages: ['en'] })).toEqual({ catalogue: 'pseudo', formats: 'en-GB', lang: 'en-XA' });
    expect(chooseLocale({ asked: null, stored: 'pseudo', languages: ['en'] }).catalogue).toBe('pseudo');
    expect(chooseLocale({ asked: 'xx', stored: null, languages: ['en'] }).catalogue).toBe('en');
  });

  test('?locale= is remembered, and ?locale=auto forgets it', () => {
    const kept = new Map<string, string>();
    const storage = { getItem: (key: string) => kept.get(key) ?? null, setItem: (key: string, value: string) => void kept.set(key, value), removeItem: (key: string) => void kept.delete(key) };
    expect(rememberAsked(new URLSearchParams('locale=pseudo'), storage)).toEqual({ asked: 'pseudo', stored: 'pseudo' });
    expect(kept.get(LOCALE_STORAGE_KEY)).toBe('pseudo');
    expect(rememberAsked(new URLSearchParams(''), storage)).toEqual({ asked: null, stored: 'pseudo' });
    expect(rememberAsked(new URLSearchParams('locale=auto'), storage)).toEqual({ asked: null, stored: null });
    expect(rememberAsked(new URLSearchParams('locale=pseudo'), null)).toEqual({ asked: 'pseudo', stored: null });
  });
});

/** The arguments and tags of a parsed message, at any depth (inside plurals, selects and tags). */
function namesIn(elements: MessageFormatElement[]): { name: string; tag: boolean }[] {
  return elements.flatMap((element) => {
    if (isTagElement(element)) return [{ name: element.value, tag: true }, ...namesIn(element.children)];
    if (isPluralElement(element) || isSelectElement(element)) return [{ name: element.value, tag: false }, ...Object.values(element.options).flatMap((option) => namesIn(option.value))];
    if (isArgumentElement(element) || isNumberElement(element) || isDateElement(element) || isTimeElement(element)) return [{ name: element.value, tag: false }];
    return [];
  });
}

describe('the pseudo-locale', () => {
  const pseudo = createIntl({ locale: 'en-GB', messages: pseudoCatalogue(catalogue) });

  test('accents every letter, brackets every message, and keeps placeholders, plurals and tags working', () => {
    expect(accent('Home')).toBe('Ĥöɱé');
    expect(pseudo.formatMessage({ id: 'shell.nav.home' })).toBe('[Ĥöɱé]');
    expect(pseudo.formatMessage({ id: 'home.welcome' }, { name: 'Ana' })).toBe('[Ŵéļçöɱé, Ana]');
    expect(pseudo.formatMessage({ id: 'inbox.unread' }, { count: 2 })).toBe('[2 ûñŕéåð ñöţîƒîçåţîöñš.]');
    const rich = pseudo.formatMessage({ id: 'home.apiDocs' }, { count: 1, docs: (chunks: unknown) => `<${String(chunks)}>` });
    expect(rich).toBe('[Ýöû ĥöļð åñ ÅÞÎ ţöķéñ: ţĥé ÅÞÎ îš ðéšçŕîƀéð åţ <ţĥé ÅÞÎ ðöçûɱéñţåţîöñ>.]');
  });

  test('every message of the catalogue comes out marked', () => {
    const english = createIntl({ locale: 'en-GB', messages: catalogue });
    // Values without letters, so that any letter in the result is the message's own.
    const tag = (chunks: string[]) => chunks.join('');
    for (const id of Object.keys(catalogue)) {
      // Each of the message's own arguments a number, each of its tags the function above.
      const values = Object.fromEntries(namesIn(parse(catalogue[id] ?? '')).map(({ name, tag: isTag }) => [name, isTag ? tag : 2]));
      const text = pseudo.formatMessage({ id }, values);
      expect(text.startsWith('[') && text.endsWith(']'), id).toBe(true);
      const words = /[a-z]/i.test(english.formatMessage({ id }, values));
      expect(Array.from(text).some((character) => PSEUDO_LETTERS.has(character)), id).toBe(words);
      expect(/[a-z]/i.test(text), id).toBe(false);
    }
  });
});
