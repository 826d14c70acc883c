import anyAscii from 'any-ascii';
import { EntityError } from '../../../platform/entities.js';
import { foldLookAlikes } from './text.js';

/** Titles and connecting words that say nothing about who a person is (Mr, Haji, bin, binti, s/o, …). */
const NOISE = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'haji', 'hajjah', 'hj', 'hjh', 'bin', 'binti', 'bte', 'bt', 'so', 'do', 'al', 'ap', 'alias', 'aka']);

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/**
 * One word of a name in Latin letters. A Latin word holding stray Cyrillic or Greek look-alikes
 * (`Ahmаd` with a Cyrillic `а`) reads them as the Latin letters they copy; a word in another script
 * is transliterated. A Han name reads as family name (its first character) and given name (the
 * rest, run together as it is written in Latin: 张小明 → zhang xiaoming).
 */
function latinWords(word: string): string[] {
  const plain = LATIN.test(word) && CYRILLIC_OR_GREEK.test(word) ? foldLookAlikes(word) : word;
  const characters = plain.match(/./gsu) ?? [];
  if (HAN.test(plain) && characters.length >= 2) {
    const [family, ...given] = characters;
    return [anyAscii(family as string), anyAscii(given.join(''))];
  }
  return [anyAscii(plain)];
}

/** Arabic "servant of" (Abd, Abdul, Abdel), one name with the word after it however it is spaced: Abd al-Rahman = Abdrahman. */
const SERVANT = new Set(['abd', 'abdul', 'abdel', 'abdil', 'bd']);

function joinServants(words: string[], word: string): string[] {
  const last = words[words.length - 1];
  if (last !== undefined && SERVANT.has(last)) words[words.length - 1] = last + word;
  else words.push(word);
  return words;
}

/** A person's name as a matching key and a sound skeleton, and the year of birth when known. */
export interface PersonKey {
  /** The name's words in Latin lower case, titles and connectors dropped, in alphabetical order. */
  key: string;
  /** Each word as its consonants by sound (vowels and a final h dropped, kh = h, ph = f, ch = j, doubled letters single): across scripts' transliterations. */
  skeleton: string;
  birthYear: number | null;
}

/** The consonant skeleton of a Latin word, so "Mohammed", "Muhammad" and Arabic "mhmd" agree. */
export function skeletonOf(word: string): string {
  const sounds = word
    .replace(/kh/g, 'h')
    .replace(/ph/g, 'f')
    .replace(/[cz]h/g, 'j')
    .replace(/([tdgbs])h/g, '$1')
    .replace(/q/g, 'k')
    .replace(/c/g, 'k')
    .replace(/z/g, 's')
    .replace(/v/g, 'w')
    .replace(/(.)h$/, '$1')
    .replace(/[aeiouy`'’]/g, '')
    .replace(/(.)\1+/g, '$1');
  return sounds || word.slice(0, 1);
}

/**
 * A person's name in any script (Arabic, Cyrillic, Thai, Devanagari, Chinese, Latin with any
 * diacritics) as one key: Unicode-normalised, transliterated to Latin, case and diacritics folded,
 * word order ignored. Names are matched fuzzily on these keys (see the matcher), never as typed.
 */
export function normalisePerson(name: string, birthYear?: number | null): PersonKey {
  const words = name
    .normalize('NFKC')
    .split(/[\s,.;/()\-‐–—_]+/u)
    .flatMap((word) => (word ? latinWords(word) : []))
    .map((word) => word.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter((word) => word !== '' && !NOISE.has(word))
    .reduce<string[]>(joinServants, []);
  if (words.length === 0) throw new EntityError('the name is empty', 'name');
  const year = birthYear ?? null;
  const thisYear = new Date().getUTCFullYear();
  if (year !== null && (!Number.isInteger(year) || year < 1900 || year > thisYear)) throw new EntityError(`a year of birth is between 1900 and ${thisYear}`, 'birthYear');
  const sorted = [...words].sort();
  return { key: sorted.join(' '), skeleton: sorted.map(skeletonOf).sort().join(' '), birthYear: year };
}
