import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(english);

/**
 * The country a place's text names ("Port of Ceuta, Spain" → ESP), from i18n-iso-countries' English
 * names and their variants. Used to compare with the country found from a point's coordinates and
 * flag a disagreement rather than guess which is right.
 */

interface Name {
  code: string;
  pattern: RegExp;
  length: number;
}

let names: Name[] | undefined;

/** Common short names the library does not list (it has "Syrian Arab Republic", not "Syria"). */
const SHORT_NAMES: Record<string, string> = {
  Syria: 'SYR', Laos: 'LAO', Moldova: 'MDA', Brunei: 'BRN', Burma: 'MMR', 'East Timor': 'TLS', DRC: 'COD',
};

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function load(): Name[] {
  const byName = new Map<string, Set<string>>(Object.entries(SHORT_NAMES).map(([name, code]) => [name, new Set([code])]));
  for (const [alpha2, list] of Object.entries(countries.getNames('en', { select: 'all' }))) {
    const code = countries.alpha2ToAlpha3(alpha2);
    if (!code) continue;
    for (const name of list) {
      const codes = byName.get(name) ?? new Set<string>();
      codes.add(code);
      byName.set(name, codes);
    }
  }
  const found: Name[] = [];
  for (const [name, codes] of byName) {
    // A name two countries share ("Congo") names neither.
    if (codes.size !== 1) continue;
    const [code = ''] = codes;
    // Abbreviations (US, UK, USA) only in capitals: "us" is a word.
    const abbreviation = /^[A-Z.]{2,6}$/.test(name);
    found.push({ code, pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escape(name)}(?![\\p{L}\\p{N}])`, abbreviation ? 'gu' : 'giu'), length: name.length });
  }
  // Longer names first, so "South Sudan" is found before "Sudan" and "Papua New Guinea" before "Guinea".
  return found.sort((a, b) => b.length - a.length);
}

/** Each country named in the text, with where its name ends, longer names taking their span first. */
function mentions(text: string): { code: string; end: number }[] {
  names ??= load();
  const taken = new Uint8Array(text.length);
  const found: { code: string; end: number }[] = [];
  for (const name of names) {
    name.pattern.lastIndex = 0;
    for (let match = name.pattern.exec(text); match; match = name.pattern.exec(text)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken.subarray(start, end).some((flag) => flag === 1)) continue;
      taken.fill(1, start, end);
      found.push({ code: name.code, end });
    }
  }
  return found.sort((a, b) => a.end - b.end);
}

export interface NamedCountries {
  /** Every country the place's words name, in the order named. */
  all: string[];
  /** The one country the place is in by its words, when they tell (see countriesNamedIn). */
  main: string | undefined;
}

/**
 * The countries a place's description names. Only the place itself is read: what follows " - " or
 * "(" is the source's comment ("Off the coast of Lampedusa - boat departed from Tunisia"). The main
 * one: "Place, region, Country" (the way most sources write places) gives the country of its last
 * part; otherwise the text must name a single country ("between Egypt and Italy" names none).
 */
export function countriesNamedIn(text: string): NamedCountries {
  const place = text.split(/\s+-\s+|\(/)[0] ?? '';
  const found = mentions(place);
  const all = [...new Set(found.map((mention) => mention.code))];
  if (found.length === 0) return { all, main: undefined };
  const lastPart = place.split(',').at(-1) ?? '';
  const lastStart = place.length - lastPart.trimStart().length;
  const inLast = found.filter((mention) => mention.end > lastStart);
  if (lastPart.trim() !== '' && inLast.length === 1) return { all, main: inLast[0]?.code };
  return { all, main: all.length === 1 ? all[0] : undefined };
}

/** The one country a place's description names, or undefined (countriesNamedIn's `main`). */
export function countryNamedIn(text: string): string | undefined {
  return countriesNamedIn(text).main;
}
