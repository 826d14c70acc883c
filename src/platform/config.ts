import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseClamdAddress, type ClamdAddress } from './files/antivirus.js';

/** The platform's settings read from the environment; modules declare their own (platform/settings.ts). */
export interface Config {
  port: number;
  host: string;
  /** PGlite data folder, used when no databaseUrl is set. */
  dataDir: string;
  /**
   * The embedded database's `shared_buffers`, in MB: PGlite sets the whole of it up at every open
   * (about 0.7 s of CPU at the default 128, 0.2 s at 16), which a short command pays each time.
   */
  pgliteSharedBuffersMb: number;
  databaseUrl: string | undefined;
  /**
   * The serving login (DATABASE_APP_URL): the same database as DATABASE_URL, reached as a role that
   * is only a member of lintas_app. When set, requests' transactions run on its connections, from
   * which no statement can act as the owner; DATABASE_URL's login (the owner) keeps migrations, the
   * audit group commit and the jobs that work across members.
   */
  databaseAppUrl: string | undefined;
  /**
   * Whether the database connection must be encrypted and the server's certificate and name
   * checked (LINTAS_DATABASE_TLS, ASVS 9.2.2): then DATABASE_URL must ask for sslmode=verify-full,
   * which node-postgres and libpq (pg_dump, pg_restore) both refuse to connect without.
   */
  databaseTls: 'required' | 'off';
  /**
   * The server's own certificate and key (PEM), when it serves HTTPS itself (LINTAS_TLS_CERT and
   * LINTAS_TLS_KEY, files): for a proxy in another container or on another machine, so that the
   * hop between them is encrypted too (ASVS 1.9.1). Unset, it serves plain HTTP.
   */
  tls: { cert: string; key: string } | undefined;
  /** Public address of the web app, used in e-mailed links. */
  publicUrl: string;
  /** Cookies get `Secure` when the public address is https. */
  secureCookies: boolean;
  sessionHours: number;
  /** Minutes a session may go unused before it ends (ASVS 3.3.2); 0: no idle limit. */
  sessionIdleMinutes: number;
  /** How long a session's last re-entry of its password or code lets it make sensitive changes (API tokens, roles: ASVS 3.7.1). */
  reauthMinutes: number;
  /** How long a process reuses a looked-up session or token; changes reach every process at once regardless. */
  sessionCacheSeconds: number;
  /** Requests per minute per signed-in user or per address. */
  rateLimitPerMinute: number;
  /**
   * Seconds a stopping process goes on serving while `/readyz` answers 503, so that its proxy's
   * health check takes it out before it closes (LINTAS_SHUTDOWN_DRAIN_SECONDS; 0: close at once).
   */
  shutdownDrainSeconds: number;
  /**
   * Seconds at least between a person first opening a request made to their member and deciding it
   * (ASVS 11.1.2: a decision to disclose is taken at a person's pace; LINTAS_DECISION_MIN_SECONDS; 0: no minimum).
   */
  decisionMinSeconds: number;
  /** Refused authentications (unknown token or session, missing CSRF token) an address may have in a minute before its API requests get 429 until the minute is out (0: no limit). */
  refusalsPerAddressPerMinute: number;
  signinMaxFailuresPerAccount: number;
  signinMaxFailuresPerAddress: number;
  signinWindowMinutes: number;
  /** Transactions waiting for a database connection at which API requests are answered 503 (http/shedding.ts); 0: never. */
  shedQueue: number;
  /**
   * How long the queue must have stood at `shedQueue` or more before requests are shed, in milliseconds:
   * a burst that drains sooner waits its turn instead (up to four times the bound, shed at once).
   */
  shedStandingMs: number;
  /** The event loop's mean delay, in milliseconds over a second, at which API requests are answered 503; 0: never. */
  shedEventLoopMs: number;
  /** clamd, which scans every upload before it is kept (LINTAS_CLAMD: files/antivirus.ts); unset, nothing is scanned. */
  clamd: ClamdAddress | undefined;
  /** The most a member may store in files (library documents' files, bulletins' attachments), in MiB (files/quota.ts); 0: no bound. */
  fileQuotaMb: number;
  /**
   * The operator's allow list of webhook hosts (ASVS 12.6.1): exact names, or `*.example.org` for any
   * name below it; undefined, any host the guard against request forgery lets through.
   */
  webhookHosts: readonly string[] | undefined;
  /** Days before an API token expires that its owner is told, once (ASVS 2.3.3); 0: never. */
  tokenExpiryNoticeDays: number;
  smtp: SmtpConfig | undefined;
  logLevel: string;
  /** The environment the configuration was read from; modules read their own settings from it (platform/settings.ts). */
  env: Readonly<Record<string, string | undefined>>;
}

/** The SMTP relay: its certificate is verified whenever TLS is used (direct or STARTTLS). */
export interface SmtpConfig {
  host: string;
  port: number;
  from: string;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Refuse to send over a connection without TLS (SMTP_REQUIRE_TLS). */
  requireTls?: boolean;
  /** The PEM certificates of a private CA the server's certificate is checked against (SMTP_TLS_CA). */
  ca?: string;
  auth?: { user: string; pass: string };
}

function readSetting(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${name}: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`);
  }
}

function smtpConfig(env: NodeJS.ProcessEnv, host: string): SmtpConfig {
  if (env.SMTP_PASSWORD && env.SMTP_PASSWORD_FILE) throw new Error('set SMTP_PASSWORD or SMTP_PASSWORD_FILE, not both');
  const pass = env.SMTP_PASSWORD_FILE ? readSetting('SMTP_PASSWORD_FILE', env.SMTP_PASSWORD_FILE).replace(/\r?\n$/, '') : env.SMTP_PASSWORD;
  if (Boolean(env.SMTP_USER) !== Boolean(pass)) throw new Error('SMTP_USER and a password (SMTP_PASSWORD or SMTP_PASSWORD_FILE) go together');
  if (env.SMTP_REQUIRE_TLS !== undefined && env.SMTP_REQUIRE_TLS !== 'true' && env.SMTP_REQUIRE_TLS !== 'false') throw new Error(`SMTP_REQUIRE_TLS must be true or false, got "${env.SMTP_REQUIRE_TLS}"`);
  return {
    host,
    port: int(env, 'SMTP_PORT', 25),
    from: env.SMTP_FROM ?? 'lintas@localhost',
    secure: env.SMTP_SECURE === 'true',
    requireTls: env.SMTP_REQUIRE_TLS === 'true',
    ...(env.SMTP_TLS_CA ? { ca: readSetting('SMTP_TLS_CA', env.SMTP_TLS_CA) } : {}),
    ...(env.SMTP_USER && pass ? { auth: { user: env.SMTP_USER, pass } } : {}),
  };
}

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_PATTERN = new RegExp(`^(?:\\*\\.)?${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);

/** LINTAS_WEBHOOK_HOSTS: comma-separated host names (lower-cased, a final dot dropped), `*.name` for the names below one, or IP addresses. */
function hostList(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const hosts = raw.split(',').map((entry) => entry.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1')).filter((entry) => entry !== '');
  if (hosts.length === 0) throw new Error(`${name} names no host; leave it unset to allow any public host`);
  const bad = hosts.filter((host) => !HOST_PATTERN.test(host) && isIP(host) === 0);
  if (bad.length > 0) throw new Error(`${name} takes host names (or *.name for the names below one), separated by commas; not ${bad.map((host) => `"${host}"`).join(', ')}`);
  return hosts;
}

/** LINTAS_TLS_CERT and LINTAS_TLS_KEY: both or neither, each a PEM file. */
function serverTls(env: NodeJS.ProcessEnv): Config['tls'] {
  const certFile = env.LINTAS_TLS_CERT || undefined;
  const keyFile = env.LINTAS_TLS_KEY || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('LINTAS_TLS_CERT and LINTAS_TLS_KEY go together: the files of the certificate and of its key, to serve HTTPS');
  const cert = readSetting('LINTAS_TLS_CERT', certFile);
  const key = readSetting('LINTAS_TLS_KEY', keyFile);
  if (!cert.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`LINTAS_TLS_CERT: ${certFile} holds no PEM certificate`);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new Error(`LINTAS_TLS_KEY: ${keyFile} holds no PEM private key`);
  return { cert, key };
}

/** Whether `host` (a URL's host name, or empty for the default socket) is this machine. */
function loopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === '' || bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/**
 * LINTAS_DATABASE_TLS: `required` or `off`; unset, required in production (NODE_ENV=production)
 * for a database on another machine, off for one on this machine (loopback or a Unix socket).
 * Required, DATABASE_URL must carry sslmode=verify-full, or the process refuses to start.
 */
function databaseTls(env: NodeJS.ProcessEnv, url: string | undefined, name = 'DATABASE_URL'): Config['databaseTls'] {
  const setting = env.LINTAS_DATABASE_TLS;
  if (setting !== undefined && setting !== '' && setting !== 'required' && setting !== 'off') throw new Error(`LINTAS_DATABASE_TLS must be required or off, got "${setting}"`);
  if (!url) return setting === 'required' ? 'required' : 'off';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Left to node-postgres to read, unless TLS may have to be checked.
    if (setting === 'off' || (setting !== 'required' && env.NODE_ENV !== 'production')) return 'off';
    throw new Error(`${name} must be a URL, to check that it asks for TLS: postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full`);
  }
  const socket = parsed.searchParams.get('host')?.startsWith('/') ?? false;
  const local = socket || loopback(parsed.hostname);
  const required = setting === 'required' || (setting !== 'off' && env.NODE_ENV === 'production' && !local);
  if (!required) return 'off';
  const mode = parsed.searchParams.get('sslmode');
  if (mode !== 'verify-full') {
    throw new Error(
      `${name} asks for ${mode ? `sslmode=${mode}` : 'no sslmode'}, but the connection to the database must be encrypted and the server's certificate and name checked ` +
        `(LINTAS_DATABASE_TLS${setting === 'required' ? '=required' : ' is required in production for a database on another machine'}): ` +
        `add sslmode=verify-full to ${name}, and sslrootcert=FILE when a private authority signed the certificate, or set LINTAS_DATABASE_TLS=off to allow a plain connection`,
    );
  }
  return 'required';
}

/**
 * DATABASE_APP_URL, with the password of DATABASE_APP_PASSWORD_FILE written in when the URL names
 * none (a secret mounted as a file, as the Compose recipe's is).
 */
function servingLoginUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.DATABASE_APP_URL || undefined;
  const file = env.DATABASE_APP_PASSWORD_FILE || undefined;
  if (!file) return url;
  if (!url) throw new Error('DATABASE_APP_PASSWORD_FILE is the password of DATABASE_APP_URL: set DATABASE_APP_URL too');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_APP_URL must be a URL to take the password of DATABASE_APP_PASSWORD_FILE: postgres://USER@HOST:PORT/DATABASE');
  }
  if (parsed.password) throw new Error('DATABASE_APP_URL names a password already: drop it, or DATABASE_APP_PASSWORD_FILE');
  parsed.password = encodeURIComponent(readSetting('DATABASE_APP_PASSWORD_FILE', file).replace(/\r?\n$/, ''));
  return parsed.toString();
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
  const databaseUrl = env.DATABASE_URL || undefined;
  const databaseAppUrl = servingLoginUrl(env);
  if (databaseAppUrl && !databaseUrl) throw new Error('DATABASE_APP_URL is the serving login to the database of DATABASE_URL: set DATABASE_URL too');
  const tlsOfApp = databaseAppUrl ? databaseTls(env, databaseAppUrl, 'DATABASE_APP_URL') : 'off';
  const tlsOfOwner = databaseTls(env, databaseUrl);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.LINTAS_DATA ?? './data'),
    pgliteSharedBuffersMb: Math.max(1, int(env, 'LINTAS_PGLITE_SHARED_BUFFERS_MB', 128)),
    databaseUrl,
    databaseAppUrl,
    databaseTls: tlsOfOwner === 'required' || tlsOfApp === 'required' ? 'required' : 'off',
    tls: serverTls(env),
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    sessionHours: int(env, 'LINTAS_SESSION_HOURS', 12),
    sessionIdleMinutes: int(env, 'LINTAS_SESSION_IDLE_MINUTES', 30),
    reauthMinutes: int(env, 'LINTAS_REAUTH_MINUTES', 5),
    sessionCacheSeconds: int(env, 'LINTAS_SESSION_CACHE_SECONDS', 5),
    rateLimitPerMinute: int(env, 'LINTAS_RATE_LIMIT', 1200),
    shutdownDrainSeconds: int(env, 'LINTAS_SHUTDOWN_DRAIN_SECONDS', 0),
    decisionMinSeconds: int(env, 'LINTAS_DECISION_MIN_SECONDS', 5),
    refusalsPerAddressPerMinute: int(env, 'LINTAS_REFUSALS_PER_ADDRESS', 60),
    signinMaxFailuresPerAccount: int(env, 'LINTAS_SIGNIN_MAX_FAILURES', 5),
    signinMaxFailuresPerAddress: int(env, 'LINTAS_SIGNIN_MAX_FAILURES_PER_ADDRESS', 30),
    signinWindowMinutes: int(env, 'LINTAS_SIGNIN_WINDOW_MINUTES', 15),
    shedQueue: int(env, 'LINTAS_SHED_QUEUE', 64),
    shedStandingMs: int(env, 'LINTAS_SHED_STANDING_MS', 1000),
    shedEventLoopMs: int(env, 'LINTAS_SHED_EVENT_LOOP_MS', 0),
    fileQuotaMb: int(env, 'LINTAS_FILE_QUOTA_MB', 10240),
    clamd: env.LINTAS_CLAMD ? parseClamdAddress(env.LINTAS_CLAMD) : undefined,
    webhookHosts: hostList(env, 'LINTAS_WEBHOOK_HOSTS'),
    tokenExpiryNoticeDays: int(env, 'LINTAS_TOKEN_EXPIRY_NOTICE_DAYS', 7),
    smtp: smtpHost ? smtpConfig(env, smtpHost) : undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    env: { ...env },
  };
}
