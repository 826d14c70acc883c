/**
 * How easily a password is guessed (ASVS 2.1.7, 2.1.8): zxcvbn's estimate with the common-password
 * and English dictionaries, the one judge of a new password for the server (which refuses a weak
 * one wherever a password is set) and for the web app's strength meter, which imports this file
 * lazily. The dictionaries (a few megabytes) are loaded once, on first use, never at start.
 *
 * zxcvbn is imported dynamically, and the web app imports this file dynamically too, so neither
 * the server's start nor the web's main bundle carries it. It imports nothing else at run time
 * (`test/web-imports.test.ts`); the server's refusal is `assertAcceptablePassword` in secrets.ts.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** The lowest zxcvbn score (0–4) a new password may have: 3 is "safely unguessable" offline with slow hashing. */
export const MIN_PASSWORD_SCORE = 3;

/** zxcvbn's warnings, by its keys (the web translates them; the server words them in `WARNING_TEXT`). */
export const PASSWORD_WARNINGS = [
  'straightRow', 'keyPattern', 'simpleRepeat', 'extendedRepeat', 'sequences', 'recentYears', 'dates', 'topTen', 'topHundred',
  'common', 'similarToCommon', 'wordByItself', 'namesByThemselves', 'commonNames', 'userInputs', 'pwned',
] as const;
export type PasswordWarning = (typeof PASSWORD_WARNINGS)[number];

export interface PasswordStrength {
  /** zxcvbn's score, 0 (guessed at once) to 4 (very hard to guess). */
  score: 0 | 1 | 2 | 3 | 4;
  /** The password, ignoring case, is in the list of common passwords. */
  common: boolean;
  /** What makes it weak, when zxcvbn says. */
  warning: PasswordWarning | null;
  /** Whether the server accepts it as a new password. */
  acceptable: boolean;
}

interface Judge {
  zxcvbn: ZxcvbnFactory;
  common: ReadonlySet<string>;
}

let judge: Promise<Judge> | undefined;

function loadJudge(): Promise<Judge> {
  if (judge) return judge;
  judge = (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
    // No translations: feedback comes as keys, which each side words in its own language.
    const zxcvbn = new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...english.dictionary }, graphs: common.adjacencyGraphs });
    return { zxcvbn, common: new Set(common.dictionary['passwords-common'].map((word) => word.toLowerCase())) };
  })();
  // A failed load (a chunk the browser could not fetch) is tried again next time.
  void judge.catch(() => {
    judge = undefined;
  });
  return judge;
}

/** The words of who the password is for (e-mail address, name) that it should not lean on, and the platform's name. */
export function passwordUserInputs(user: { email?: string | null; name?: string | null }): string[] {
  const words = new Set<string>(['lintas']);
  const email = user.email?.toLowerCase();
  if (email) {
    const local = email.split('@')[0] ?? '';
    for (const word of [email, local, ...local.split(/[^\p{L}\p{N}]+/u)]) words.add(word);
  }
  const name = user.name?.toLowerCase();
  if (name) for (const word of [name, ...name.split(/\s+/)]) words.add(word);
  return [...words].filter((word) => word.length >= 3);
}

const isWarning = (key: string | null): key is PasswordWarning => key !== null && (PASSWORD_WARNINGS as readonly string[]).includes(key);

/** How strong a password is, for the user these inputs describe (`passwordUserInputs`). */
export async function passwordStrength(password: string, userInputs: readonly string[] = []): Promise<PasswordStrength> {
  const { zxcvbn, common } = await loadJudge();
  const result = zxcvbn.check(password, [...userInputs]);
  const isCommon = common.has(password.toLowerCase());
  return {
    score: result.score,
    common: isCommon,
    warning: isWarning(result.feedback.warning) ? result.feedback.warning : null,
    acceptable: !isCommon && result.score >= MIN_PASSWORD_SCORE,
  };
}

/** The server's words for zxcvbn's warnings (the web app's are in its catalogue, account.passwordStrength.*). */
const WARNING_TEXT: Record<PasswordWarning, string> = {
  straightRow: 'straight rows of keys are easy to guess',
  keyPattern: 'short keyboard patterns are easy to guess',
  simpleRepeat: 'repeated characters like "aaa" are easy to guess',
  extendedRepeat: 'repeated patterns like "abcabcabc" are easy to guess',
  sequences: 'sequences like "abc" or "1234" are easy to guess',
  recentYears: 'recent years are easy to guess',
  dates: 'dates are easy to guess',
  topTen: 'it is among the ten most used passwords',
  topHundred: 'it is among the hundred most used passwords',
  common: 'it is a commonly used password',
  similarToCommon: 'it is similar to a commonly used password',
  wordByItself: 'single words are easy to guess',
  namesByThemselves: 'names on their own are easy to guess',
  commonNames: 'common names are easy to guess',
  userInputs: 'it contains your name or e-mail address',
  pwned: 'it was exposed in a data breach',
};

/** Why the server refuses a new password, or null when it is accepted: the detail of a 400's field error. */
export async function passwordRefusal(password: string, userInputs: readonly string[]): Promise<string | null> {
  const strength = await passwordStrength(password, userInputs);
  if (strength.common) return 'this password is among the most common; choose another';
  if (strength.acceptable) return null;
  const why = strength.warning ? `: ${WARNING_TEXT[strength.warning]}` : '';
  return `this password is too easy to guess${why}; a few unrelated words make a strong one`;
}
