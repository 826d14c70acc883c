/**
 * Which catalogue the app speaks and which locale formats its dates and numbers. Pure functions of
 * what the browser says, so they are unit-tested (test/web-i18n.test.ts); `main.tsx` calls them once
 * at start: a change of language reloads the page.
 */

/** The catalogues in web/src/i18n/messages/, by language tag, with the locale whose conventions format dates and numbers next to their words. */
export const CATALOGUES = {
  // The English of the app is British ("organisation"), and so are its dates: "20 May 2025".
  en: { formats: 'en-GB' },
} as const satisfies Record<string, { formats: string }>;

export type CatalogueTag = keyof typeof CATALOGUES;

/** The pseudo-locale: English with accented letters in brackets ("[Ĥöɱé]"), which shows any text not taken from a catalogue. */
export const PSEUDO = 'pseudo';
export const FALLBACK: CatalogueTag = 'en';

/** The address's parameter and the storage key that choose a locale over the browser's languages. */
export const LOCALE_PARAMETER = 'locale';
export const LOCALE_STORAGE_KEY = 'lintas.locale';

export interface LocaleChoice {
  /** The catalogue the words come from, or the pseudo-locale. */
  catalogue: CatalogueTag | typeof PSEUDO;
  /** The BCP 47 tag that formats dates, numbers and lists (and decides plural forms). */
  formats: string;
  /** The page's `lang` attribute. */
  lang: string;
}

const isCatalogue = (tag: string): tag is CatalogueTag => Object.hasOwn(CATALOGUES, tag);

/** A catalogue for a BCP 47 tag: the tag itself ("en"), else its language ("en-AU" → "en"); null when none fits. */
export function catalogueFor(tag: string): CatalogueTag | null {
  const lower = tag.trim().toLowerCase();
  if (isCatalogue(lower)) return lower;
  const language = lower.split(/[-_]/)[0] ?? '';
  return isCatalogue(language) ? language : null;
}

function choice(catalogue: CatalogueTag): LocaleChoice {
  return { catalogue, formats: CATALOGUES[catalogue].formats, lang: CATALOGUES[catalogue].formats };
}

/**
 * The locale for this visit: a locale asked for in the address or kept in storage (`pseudo` or a
 * catalogue's tag) first, then the browser's languages in the user's order, then English.
 */
export function chooseLocale({ asked, stored, languages }: { asked: string | null; stored: string | null; languages: readonly string[] }): LocaleChoice {
  for (const wanted of [asked, stored]) {
    if (!wanted) continue;
    if (wanted === PSEUDO) return { catalogue: PSEUDO, formats: CATALOGUES[FALLBACK].formats, lang: 'en-XA' };
    const catalogue = catalogueFor(wanted);
    if (catalogue) return choice(catalogue);
  }
  for (const language of languages) {
    const catalogue = catalogueFor(language);
    if (catalogue) return choice(catalogue);
  }
  return choice(FALLBACK);
}

/**
 * What the address asks (`?locale=pseudo`, `?locale=en`) is kept in storage, so it lasts as the user
 * moves through the app; `?locale=auto` forgets it and follows the browser again.
 */
export function rememberAsked(search: URLSearchParams, storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null): { asked: string | null; stored: string | null } {
  const asked = search.get(LOCALE_PARAMETER);
  try {
    if (asked === 'auto') storage?.removeItem(LOCALE_STORAGE_KEY);
    else if (asked) storage?.setItem(LOCALE_STORAGE_KEY, asked);
    return { asked: asked === 'auto' ? null : asked, stored: storage?.getItem(LOCALE_STORAGE_KEY) ?? null };
  } catch {
    // Storage can be refused (private windows, policies): the address alone decides then.
    return { asked: asked === 'auto' ? null : asked, stored: null };
  }
}
