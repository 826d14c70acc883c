import { resolve } from 'node:path';

/** Settings read from the environment; every other part of the platform takes them from here. */
export interface Config {
  port: number;
  host: string;
  /** PGlite data folder, used when no databaseUrl is set. */
  dataDir: string;
  databaseUrl: string | undefined;
  /** Public address of the web app, used in e-mailed links. */
  publicUrl: string;
  /** Cookies get `Secure` when the public address is https. */
  secureCookies: boolean;
  sessionHours: number;
  /** Requests per minute per signed-in user or per address. */
  rateLimitPerMinute: number;
  /** Refused authentications (unknown token or session, missing CSRF token) an address may have in a minute before its API requests get 429 until the minute is out (0: no limit). */
  refusalsPerAddressPerMinute: number;
  signinMaxFailuresPerAccount: number;
  signinMaxFailuresPerAddress: number;
  signinWindowMinutes: number;
  smtp: { host: string; port: number; from: string; secure: boolean } | undefined;
  /** Months of contribution that open other members' reports (reciprocity). */
  reciprocityMonths: number;
  /** Document checks answer from the in-memory index (false: every check reads the database). */
  documentIndex: boolean;
  /** Hours an issuer has to answer a document hit before it is reminded (0: never reminded). */
  hitReminderHours: number;
  /** Hours between scheduled runs of the regional release job (it also runs when a month closes). */
  releaseHours: number;
  logLevel: string;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 8080);
  const publicUrl = env.LINTAS_PUBLIC_URL ?? `http://localhost:${port}`;
  const smtpHost = env.SMTP_HOST;
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.LINTAS_DATA ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    sessionHours: int(env, 'LINTAS_SESSION_HOURS', 12),
    rateLimitPerMinute: int(env, 'LINTAS_RATE_LIMIT', 1200),
    refusalsPerAddressPerMinute: int(env, 'LINTAS_REFUSALS_PER_ADDRESS', 60),
    signinMaxFailuresPerAccount: int(env, 'LINTAS_SIGNIN_MAX_FAILURES', 5),
    signinMaxFailuresPerAddress: int(env, 'LINTAS_SIGNIN_MAX_FAILURES_PER_ADDRESS', 30),
    signinWindowMinutes: int(env, 'LINTAS_SIGNIN_WINDOW_MINUTES', 15),
    smtp: smtpHost
      ? {
          host: smtpHost,
          port: int(env, 'SMTP_PORT', 25),
          from: env.SMTP_FROM ?? 'lintas@localhost',
          secure: env.SMTP_SECURE === 'true',
        }
      : undefined,
    reciprocityMonths: int(env, 'LINTAS_RECIPROCITY_MONTHS', 12),
    documentIndex: env.LINTAS_DOCUMENT_INDEX !== 'off',
    hitReminderHours: int(env, 'LINTAS_HIT_REMINDER_HOURS', 24),
    releaseHours: int(env, 'LINTAS_RELEASE_HOURS', 24),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
