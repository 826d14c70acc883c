import { useEffect, useState } from 'react';
import type { PasswordStrength, PasswordWarning } from '../../../src/platform/auth/password-strength.js';
import { msg, useT, type MessageId } from '../i18n/index.js';

/** The server's judge of passwords (ASVS 2.1.8), loaded on first use: zxcvbn and its dictionaries stay out of the main bundle. */
const loadJudge = () => import('../../../src/platform/auth/password-strength.js');

const LEVELS = ['veryWeak', 'weak', 'fair', 'strong', 'veryStrong'] as const;

/** zxcvbn's warnings in the page's words (literal ids, so the catalogue check sees them). */
const WARNINGS: Record<PasswordWarning, MessageId> = {
  straightRow: msg('account.passwordStrength.warning.straightRow'),
  keyPattern: msg('account.passwordStrength.warning.keyPattern'),
  simpleRepeat: msg('account.passwordStrength.warning.simpleRepeat'),
  extendedRepeat: msg('account.passwordStrength.warning.extendedRepeat'),
  sequences: msg('account.passwordStrength.warning.sequences'),
  recentYears: msg('account.passwordStrength.warning.recentYears'),
  dates: msg('account.passwordStrength.warning.dates'),
  topTen: msg('account.passwordStrength.warning.topTen'),
  topHundred: msg('account.passwordStrength.warning.topHundred'),
  common: msg('account.passwordStrength.warning.common'),
  similarToCommon: msg('account.passwordStrength.warning.similarToCommon'),
  wordByItself: msg('account.passwordStrength.warning.wordByItself'),
  namesByThemselves: msg('account.passwordStrength.warning.namesByThemselves'),
  commonNames: msg('account.passwordStrength.warning.commonNames'),
  userInputs: msg('account.passwordStrength.warning.userInputs'),
  pwned: msg('account.passwordStrength.warning.pwned'),
};

/**
 * A strength meter for a new password: zxcvbn's score (0–4) as a bar and a word, and its warning,
 * judged as the server will judge it (the same function), with the user's e-mail and name as words
 * it should not lean on. Announced politely to screen readers as it changes.
 */
export function PasswordStrengthMeter({ password, user }: { password: string; user?: { email: string; name: string } }) {
  const t = useT();
  const [strength, setStrength] = useState<PasswordStrength | null>(null);
  const email = user?.email;
  const name = user?.name;

  useEffect(() => {
    if (password === '') {
      setStrength(null);
      return;
    }
    let current = true;
    // A short pause, so a fast typist does not have every keystroke judged.
    const timer = window.setTimeout(() => {
      loadJudge()
        .then(async ({ passwordStrength, passwordUserInputs }) => {
          const judged = await passwordStrength(password, passwordUserInputs({ email, name }));
          if (current) setStrength(judged);
        })
        // Without the meter (its chunk did not load) the form still works, and the server still judges.
        .catch(() => {
          if (current) setStrength(null);
        });
    }, 150);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [password, email, name]);

  if (!strength || password === '') return <div className="password-strength" aria-live="polite" />;
  const level = LEVELS[strength.score];
  return (
    <div className={`password-strength password-strength-${strength.acceptable ? 'ok' : 'weak'}`} aria-live="polite">
      <meter min={0} max={4} low={2.5} high={3} optimum={4} value={strength.score} aria-label={t('account.passwordStrength.meter')} />
      <p>
        {t('account.passwordStrength.level', { level })}
        {strength.common ? ` ${t('account.passwordStrength.common')}` : strength.warning ? ` ${t(WARNINGS[strength.warning])}` : ''}
        {!strength.acceptable && !strength.common ? ` ${t('account.passwordStrength.tooWeak')}` : ''}
      </p>
    </div>
  );
}
