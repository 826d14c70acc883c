/** Text folding shared by the entity normalisers: one script, one case, no look-alikes. */
import anyAscii from 'any-ascii';

/**
 * Cyrillic and Greek capitals that are drawn like Latin ones (Russian, Ukrainian and Kazakh number
 * plates use exactly these), and the lower-case forms officers type by mistake on a Cyrillic keyboard.
 * Folded before anything else so `А123ВС` typed in Cyrillic is the plate `A123BC`.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  ο: 'o', ν: 'v',
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/** Compatibility forms (full-width, ligatures) read as plain ones, and look-alike letters as Latin. */
export function foldLookAlikes(raw: string): string {
  return raw.normalize('NFKC').replace(LOOK_ALIKE, (letter) => LOOK_ALIKES[letter] ?? letter);
}

/** Every script written in Latin letters and ASCII digits (Thai and Arabic-Indic digits too), diacritics dropped. */
export function toAscii(raw: string): string {
  return anyAscii(raw.normalize('NFKC'));
}

/** Upper-case letters and digits only, after folding look-alikes: plates, hull markings. */
export function compactCode(raw: string): string {
  return toAscii(foldLookAlikes(raw)).toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** A name as words of upper-case Latin letters and digits, single-spaced. */
export function plainWords(raw: string): string {
  return toAscii(foldLookAlikes(raw))
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}
