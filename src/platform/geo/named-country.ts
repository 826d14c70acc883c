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

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function load(): Name[] {
  const byName = new Map<string, Set<string>>();
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

/**
 * The one country a place's description names, or undefined when it names none or several that
 * cannot be told apart. "Place, region, Country" (the way most sources write places) gives the
 * country of its last part; otherwise the text must name a single country ("between Egypt and
 * Italy" names no one country).
 */
export function countryNamedIn(text: string): string | undefined {
  const found = mentions(text);
  if (found.length === 0) return undefined;
  const last = text.split(',').at(-1)?.trim() ?? '';
  const lastStart = text.length - (text.split(',').at(-1)?.trimStart().length ?? 0);
  const inLast = found.filter((mention) => mention.end > lastStart);
  if (last !== '' && inLast.length === 1) return inLast[0]?.code;
  const distinct = new Set(found.map((mention) => mention.code));
  return distinct.size === 1 ? found[0]?.code : undefined;
}
