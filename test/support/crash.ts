import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createSession } from '../../src/platform/auth/sessions.js';
import { digest } from '../../src/platform/auth/secrets.js';
import { verifyAudit } from '../../src/platform/audit/verify.js';
import type { Database } from '../../src/platform/db/database.js';
import { sql } from '../../src/platform/db/sql.js';
import { drainOutbox } from './crash-outbox.js';
import type { LocalSmtp } from './mail.js';
import { startWebhookReceiver } from './notify.js';
import { spawnServer, type ServerProcess } from './processes.js';
import { again, template } from './templates.js';

/**
 * The crash harness: a real `lintas serve` takes writes of every kind at once (a report import, a
 * register import, single and batch checks, report approvals, bulletins told to e-mail subscribers,
 * linkage leads, face templates enrolled in a biometric gallery), is SIGKILLed at a seeded random moment, and is looked at with the server dead:
 * the database opens (PGlite: its data folder after the kill), the audit chain verifies, every act
 * the client saw acknowledged is there with its audit row (found by the answer's request id), and
 * every import is all or nothing. Then the server starts again: document checks agree with the
 * database, the other member's face searches hit every enrolment found in the database and nothing
 * else (the register's, the gallery's and the analysis store's in-memory state came back equal), and after the
 * last round every bulletin's e-mail has reached each subscriber as exactly one message (one
 * Message-ID: a copy sent again after a kill carries the same one, and is counted), and the other
 * member's webhook endpoint has had each bulletin as exactly one delivery (one webhook-id, copies counted). Used by test/crash.test.ts (a few
 * kills) and `npm run bench -- crash` (50 and more, with 100,000-row and 1,000,000-row imports).
 */

export type CrashKind = 'report-import' | 'register-import' | 'checks' | 'approvals' | 'bulletins' | 'linkage' | 'enrolments';
export const CRASH_KINDS: readonly CrashKind[] = ['report-import', 'register-import', 'checks', 'approvals', 'bulletins', 'linkage', 'enrolments'];

export interface CrashOptions {
  /** PGlite's data folder, also the server's LINTAS_DATA on the server leg (for its data key file). */
  dataDir: string;
  /** The PostgreSQL database, on the server leg. */
  databaseUrl?: string;
  /** Opens the database with no server running (after a kill: PGlite proves its folder opens). */
  open(): Promise<Database>;
  smtp: LocalSmtp;
  seed: number;
  kills: number;
  reportRows: number;
  registerRows: number;
  subscribers: number;
  /** A kill comes this long after every kind's first acknowledged act of the round: uniform between the two, in ms. */
  killAfter: readonly [number, number];
  /** The most a round waits for every kind's first acknowledged act before its kill comes anyway, in seconds (60). */
  ackWaitSeconds?: number;
  /**
   * Every this-many rounds (the Nth, 2Nth, …) the wait covers the imports too; the rounds between wait
   * at most a minute, for the other kinds only, and cut the imports wherever they are. 1 (the default):
   * every round waits for every kind. A large import takes minutes, so this is how a run of many kills
   * also sees some of them acknowledged and then found after a kill.
   */
  importAckEvery?: number;
  /**
   * Runs while the server is dead, after each kill's inspection: the operator's maintenance between a
   * crash and the restart (the bench vacuums the tables every import rewrites, so the dead row versions
   * of rolled-back rewrites do not pile up across fifty rounds). Returns what it did, for the log.
   */
  between?: () => Promise<string>;
  log?: (line: string) => void;
}

export interface CrashTally {
  kills: number;
  /** Acts the client saw acknowledged, by kind, over every round (all checked after each kill). */
  acknowledged: Record<CrashKind, number>;
  /** Imports cut by a kill (neither acknowledged nor refused): each found all or nothing. */
  cut: { 'report-import': number; 'register-import': number };
  /** Of the cut imports, those found committed in full. */
  cutCommitted: { 'report-import': number; 'register-import': number };
  auditRows: number;
  emails: number;
  /** E-mails the mail server received again with a Message-ID it had (sent, then killed before the send was committed). */
  emailCopies: number;
  /** Bulletins delivered to the other member's webhook endpoint, each as one webhook-id. */
  webhooks: number;
  /** Deliveries received again with a webhook-id the receiver had (sent, then killed before the delivery was committed). */
  webhookCopies: number;
  /** Register numbers checked after restarts against the database. */
  indexChecked: number;
  /** Face searches after restarts, each against the gallery the database holds. */
  galleryChecked: number;
  /** Seconds from SIGKILL to the restarted server answering, per round. */
  restartSeconds: number[];
  /** Rounds whose wait ran out before every kind had an act acknowledged (an import still running, as a rule). */
  waitsRunOut: number;
  /**
   * Acts the server turned away under load (408 Request Timeout, 503 with Retry-After), by status:
   * not acknowledged, so nothing is asked of them but what is asked of every act (an import all or
   * nothing, the audit chain whole). Each writer waits a second and goes on.
   */
  turnedAway: Record<number, number>;
  problems: string[];
}

/** mulberry32: a small seeded generator, so a run's kill times repeat. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Login {
  cookie: string;
  csrf: string;
}

interface Logins {
  officer: Login;
  approver: Login;
  checker: Login;
  /** A member-admin of the other member, who registers its webhook endpoint. */
  admin: Login;
  /** The agreement under which the other member searches the owner's gallery. */
  agreement: string;
}

const OWNER = 'IDN';
const CHECKER = 'AUS';
const SHARING = { audience: { kind: 'all' }, tlp: 'GREEN' };
const FACE_FORMAT = 'human-faceres-1024';
/** An enrolment's reference and the seed of its synthetic face (test/support/templates.ts). */
const subjectReference = (seed: number): string => `CRASH-${seed}`;
const subjectSeed = (reference: string): number => Number(reference.slice('CRASH-'.length));

/** Two full members, an officer and an approver of the owner, an officer of the other, and its e-mail subscribers to bulletins. */
async function seed(db: Database, subscribers: number): Promise<Logins> {
  const ids = await db.ownerTransaction(async (tx) => {
    await tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES (${OWNER}, 'Indonesia', 'state', 'member'), (${CHECKER}, 'Australia', 'state', 'member') ON CONFLICT (code) DO NOTHING`);
    const user = async (member: string, email: string, roles: string[]) =>
      (await tx.one<{ id: string }>(sql`INSERT INTO users (member, name, email, roles) VALUES (${member}, ${email}, ${email}, ${roles}) RETURNING id`)).id;
    const officer = await user(OWNER, 'officer@idn.crash', ['officer']);
    const approver = await user(OWNER, 'approver@idn.crash', ['approver']);
    const checker = await user(CHECKER, 'officer@aus.crash', ['officer', 'liaison']);
    const admin = await user(CHECKER, 'admin@aus.crash', ['member-admin']);
    for (let i = 0; i < subscribers; i++) {
      const id = await user(CHECKER, `subscriber${i}@aus.crash`, ['liaison']);
      await tx.query(sql`INSERT INTO notification_subscriptions (user_id, module, email) VALUES (${id}, 'bulletins', true)`);
    }
    // In force, as both parties would have left it: the other member searches the owner's gallery.
    const agreement = await tx.one<{ id: string }>(sql`INSERT INTO biometric_agreements (title, proposer, parties, directions, purposes, modalities, formats, valid_from, status, daily_quota)
      VALUES ('Crash searches', ${OWNER}, ${[OWNER, CHECKER]}::text[], ${[`${CHECKER}>${OWNER}`]}::text[], '{irregular-arrival}', '{face}', ${[FACE_FORMAT]}::text[], '2020-01-01', 'active', 1000000) RETURNING id`);
    await tx.query(sql`INSERT INTO biometric_acceptances (agreement_id, member) VALUES (${agreement.id}, ${OWNER}), (${agreement.id}, ${CHECKER})`);
    return { officer, approver, checker, admin, agreement: agreement.id };
  });
  const login = async (userId: string): Promise<Login> => {
    const secret = await db.ownerTransaction((tx) => createSession(tx, userId, 'full', '127.0.0.1', 48));
    const row = await db.ownerTransaction((tx) => tx.one<{ csrf_token: string }>(sql`SELECT csrf_token FROM lintas_secrets.sessions WHERE id_hash = ${digest(secret)}`));
    return { cookie: `lintas_session=${secret}`, csrf: row.csrf_token };
  };
  return { officer: await login(ids.officer), approver: await login(ids.approver), checker: await login(ids.checker), admin: await login(ids.admin), agreement: ids.agreement };
}

interface Answer {
  status: number;
  requestId: string;
  body: unknown;
}

class Client {
  /** Set once the server is gone: loops stop at their next turn. */
  dead = false;
  constructor(private readonly base: string) {}

  async call(login: Login, method: string, path: string, body?: { json: unknown } | { csv: string } | { multipart: { options: unknown; csv: string } }): Promise<Answer | null> {
    const headers: Record<string, string> = { cookie: login.cookie, 'x-csrf-token': login.csrf };
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body && 'csv' in body) {
      headers['content-type'] = 'text/csv';
      payload = body.csv;
    } else if (body) {
      const boundary = `crash${randomBytes(8).toString('hex')}`;
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
      payload = [
        `--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n${JSON.stringify(body.multipart.options)}\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="reports.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        body.multipart.csv,
        `\r\n--${boundary}--\r\n`,
      ].join('');
    }
    try {
      const response = await send(`${this.base}/api/v1${path}`, method, headers, payload);
      const text = response.text;
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text for the message
      }
      return { status: response.status, requestId: response.requestId, body: parsed };
    } catch {
      // The connection broke: the server was killed with the request in flight. Not acknowledged.
      this.dead = true;
      return null;
    }
  }
}

/**
 * One request over node:http, which waits for an answer as long as it takes: fetch gives up on a
 * request whose answer has not begun after 300 s (undici's headers timeout), and a large import
 * beside thousands of other writes can take longer. Rejects only when the connection breaks.
 */
function send(url: string, method: string, headers: Record<string, string>, payload: string | undefined): Promise<{ status: number; requestId: string; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers: payload === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(payload)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () => {
        const requestId = response.headers['x-request-id'];
        resolve({ status: response.statusCode ?? 0, requestId: typeof requestId === 'string' ? requestId : '', text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.once('error', reject);
    request.end(payload);
  });
}

interface ImportAttempt {
  tag: string;
  acknowledged: boolean;
  requestId: string;
}

interface RoundLog {
  reportImports: ImportAttempt[];
  registerImports: ImportAttempt[];
  /** Request ids of acknowledged acts that must each have an audit row, by kind. */
  audited: { kind: CrashKind; requestId: string; what: string }[];
  approved: string[];
  submitted: string[];
  bulletins: string[];
  leads: string[];
  /** References of acknowledged enrolments. */
  enrolled: string[];
  /** Answers 408 or 503, by status. */
  turnedAway: Record<number, number>;
}

/** Answers by which a loaded server turns an act away without doing it, or without saying it did: the client may try again. */
const TURNED_AWAY = new Set([408, 503]);

const dataOf = (answer: Answer): { id: string } => (answer.body as { data: { id: string } }).data;

function reportsCsv(tag: string, rows: number): string {
  const lines = ['external_id,incident_type,date_from,country,place,agency'];
  for (let i = 0; i < rows; i++) lines.push(`CR-${i},smuggling-sea,2024-0${1 + (i % 9)}-1${i % 10},IDN,Off Rote Island,${tag}`);
  return `${lines.join('\n')}\n`;
}

function registerCsv(tag: string, rows: number): string {
  const lines = ['type,number,status,place,remarks'];
  for (let i = 0; i < rows; i++) lines.push(`passport,C${String(i).padStart(7, '0')},stolen,Jakarta,${tag}`);
  return `${lines.join('\n')}\n`;
}

const documentNumber = (i: number): string => `C${String(i).padStart(7, '0')}`;

/** Runs the rounds; each ends in a kill but the last, which drains the outbox and stops the server gently. */
export async function runCrashRounds(options: CrashOptions): Promise<CrashTally> {
  const log = options.log ?? (() => undefined);
  const random = generator(options.seed);
  const tally: CrashTally = {
    kills: 0,
    acknowledged: { 'report-import': 0, 'register-import': 0, checks: 0, approvals: 0, bulletins: 0, linkage: 0, enrolments: 0 },
    cut: { 'report-import': 0, 'register-import': 0 },
    cutCommitted: { 'report-import': 0, 'register-import': 0 },
    auditRows: 0,
    emails: 0,
    emailCopies: 0,
    webhooks: 0,
    webhookCopies: 0,
    indexChecked: 0,
    galleryChecked: 0,
    restartSeconds: [],
    waitsRunOut: 0,
    turnedAway: {},
    problems: [],
  };
  const problem = (line: string): void => {
    tally.problems.push(line);
    log(`PROBLEM: ${line}`);
  };

  const setup = await options.open();
  let logins: Logins;
  try {
    logins = await seed(setup, options.subscribers);
  } finally {
    await setup.close();
  }
  const env: Record<string, string> = {
    LINTAS_DATA: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    LINTAS_DATA_KEY: randomBytes(32).toString('hex'),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(options.smtp.port),
    // A claim the killed process left may be taken again after a second.
    LINTAS_OUTBOX_LEASE_SECONDS: '1',
    LINTAS_RATE_LIMIT: '1000000',
    // The receiver of the other member's webhook endpoint listens on loopback, over http.
    LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on',
  };
  const hooks = await startWebhookReceiver();
  // The register's documents (by number) committed so far, as the database says after each kill.
  let committedNumbers = 0;
  let sharedReports = 0;
  let titles: string[] = [];
  // The seeds of the faces in the owner's gallery, as the database says after each kill.
  let enrolledSeeds: number[] = [];
  let killedAt = 0;

  try {
    for (let round = 0; round <= options.kills; round++) {
      const starting = Date.now();
      const server: ServerProcess = await spawnServer(['--no-demo'], env);
      const startSeconds = (Date.now() - starting) / 1000;
      if (killedAt) tally.restartSeconds.push((Date.now() - killedAt) / 1000);
      const client = new Client(server.url);
      try {
        if (round === 0) {
          const registered = await client.call(logins.admin, 'POST', '/webhooks/endpoints', { json: { url: `${hooks.url}/crash`, kinds: ['bulletin.issued'] } });
          if (registered?.status !== 201) problem(`the webhook endpoint was not registered: ${registered?.status ?? 'no answer'} ${JSON.stringify(registered?.body)}`);
        }
        if (round > 0) {
          tally.indexChecked += await checkIndex(client, logins.checker, committedNumbers, options.registerRows, random, problem);
          await checkAnalysis(client, logins.officer, sharedReports, problem);
          tally.galleryChecked += await checkGallery(client, logins, enrolledSeeds, random, problem);
        }
        if (round === options.kills) {
          ({ emails: tally.emails, copies: tally.emailCopies, webhooks: tally.webhooks, webhookCopies: tally.webhookCopies } = await drainOutbox(server, options, hooks, titles, problem));
          await server.stop();
          break;
        }
        const roundLog: RoundLog = { reportImports: [], registerImports: [], audited: [], approved: [], submitted: [], bulletins: [], leads: [], enrolled: [], turnedAway: {} };
        const delay = options.killAfter[0] + random() * (options.killAfter[1] - options.killAfter[0]);
        const drivers = drive(client, logins, round, options, roundLog, committedNumbers);
        // Each kind has had an act acknowledged (or the wait ran out), then the kill comes at the drawn moment.
        const started = Date.now();
        const awaitsImports = (round + 1) % Math.max(1, options.importAckEvery ?? 1) === 0;
        const awaited = awaitsImports ? CRASH_KINDS : CRASH_KINDS.filter((kind) => kind !== 'report-import' && kind !== 'register-import');
        const wait = (awaitsImports ? (options.ackWaitSeconds ?? 60) : Math.min(60, options.ackWaitSeconds ?? 60)) * 1000;
        const allAcknowledged = (): boolean => awaited.every((kind) => kindAcknowledged(roundLog, kind));
        while (Date.now() - started < wait && !client.dead && !allAcknowledged()) await new Promise((resolve) => setTimeout(resolve, 20));
        const waiting = awaited.filter((kind) => !kindAcknowledged(roundLog, kind));
        if (waiting.length > 0) tally.waitsRunOut++;
        await new Promise((resolve) => setTimeout(resolve, delay));
        await server.kill();
        killedAt = Date.now();
        client.dead = true;
        await drivers;
        tally.kills++;
        for (const kind of ['report-import', 'register-import'] as const) {
          const attempts = kind === 'report-import' ? roundLog.reportImports : roundLog.registerImports;
          tally.acknowledged[kind] += attempts.filter((a) => a.acknowledged).length;
          tally.cut[kind] += attempts.filter((a) => !a.acknowledged).length;
        }
        for (const entry of roundLog.audited) if (entry.kind !== 'report-import' && entry.kind !== 'register-import') tally.acknowledged[entry.kind]++;
        for (const [status, n] of Object.entries(roundLog.turnedAway)) tally.turnedAway[Number(status)] = (tally.turnedAway[Number(status)] ?? 0) + n;
        const inspecting = Date.now();
        const seen = await inspect(options, roundLog, tally, problem);
        const inspectSeconds = (Date.now() - inspecting) / 1000;
        const tidied = options.between ? `; ${await options.between()}` : '';
        committedNumbers = seen.registerRows;
        sharedReports = seen.sharedReports;
        titles = seen.titles;
        enrolledSeeds = seen.enrolledSeeds;
        const waited = `${((killedAt - started) / 1000 - delay / 1000).toFixed(1)} s`;
        log(`round ${round + 1}/${options.kills}: ${waiting.length ? `after ${waited} still waiting for ${waiting.join(', ')}` : `${awaitsImports ? 'every kind' : 'every kind but the imports'} acknowledged after ${waited}`}, killed ${Math.round(delay)} ms later; ${roundLog.audited.length} acknowledged acts, imports ${roundLog.reportImports.length}+${roundLog.registerImports.length}; audit ${seen.auditRows} rows verified${Object.keys(roundLog.turnedAway).length ? `, turned away ${Object.entries(roundLog.turnedAway).map(([status, n]) => `${n}×${status}`).join(' ')}` : ''}; start ${startSeconds.toFixed(1)} s, inspection ${inspectSeconds.toFixed(1)} s${tidied}`);
      } catch (error) {
        await server.kill();
        throw error;
      }
    }
  } finally {
    await hooks.close();
  }
  return tally;
}

function kindAcknowledged(log: RoundLog, kind: CrashKind): boolean {
  if (kind === 'report-import') return log.reportImports.some((a) => a.acknowledged);
  if (kind === 'register-import') return log.registerImports.some((a) => a.acknowledged);
  return log.audited.some((entry) => entry.kind === kind);
}

/** Every kind's writer at once, until the server dies. */
async function drive(client: Client, logins: Logins, round: number, options: CrashOptions, log: RoundLog, committedNumbers: number): Promise<void> {
  const loop = async (work: (turn: number) => Promise<void>): Promise<void> => {
    for (let turn = 0; !client.dead; turn++) await work(turn);
  };
  /** An answer the server turned the act away with: counted, and the writer waits a second before its next turn. */
  const turnedAway = async (answer: Answer | null): Promise<boolean> => {
    if (!answer || !TURNED_AWAY.has(answer.status)) return false;
    log.turnedAway[answer.status] = (log.turnedAway[answer.status] ?? 0) + 1;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return true;
  };
  const acknowledged = async (answer: Answer | null, status: number, kind: CrashKind, what: string): Promise<Answer | undefined> => {
    if (!answer || (await turnedAway(answer))) return undefined;
    if (answer.status !== status) {
      if (!client.dead) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`);
      return undefined;
    }
    log.audited.push({ kind, requestId: answer.requestId, what });
    return answer;
  };
  await Promise.all([
    loop(async (turn) => {
      const tag = `r${round}i${turn}`;
      const answer = await client.call(logins.officer, 'POST', '/reports/import', { multipart: { options: { format: 'lintas', sharing: SHARING }, csv: reportsCsv(tag, options.reportRows) } });
      log.reportImports.push({ tag, acknowledged: answer?.status === 200, requestId: answer?.requestId ?? '' });
      if (answer && answer.status !== 200 && !(await turnedAway(answer)) && !client.dead) throw new Error(`report import: ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`);
    }),
    loop(async (turn) => {
      const tag = `r${round}i${turn}`;
      const answer = await client.call(logins.officer, 'POST', '/documents/import', { csv: registerCsv(tag, options.registerRows) });
      log.registerImports.push({ tag, acknowledged: answer?.status === 200, requestId: answer?.requestId ?? '' });
      if (answer && answer.status !== 200 && !(await turnedAway(answer)) && !client.dead) throw new Error(`register import: ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`);
    }),
    loop(async (turn) => {
      const known = Math.max(1, committedNumbers);
      if (turn % 2 === 0) {
        const answer = await client.call(logins.checker, 'POST', '/documents/checks', { json: { purpose: 'crash test', document: { issuer: OWNER, type: 'passport', number: documentNumber(turn % known) } } });
        await acknowledged(answer, 200, 'checks', 'single check');
      } else {
        const documents = Array.from({ length: 20 }, (_, i) => ({ issuer: OWNER, type: 'passport', number: documentNumber((turn * 20 + i) % known) }));
        const answer = await client.call(logins.checker, 'POST', '/documents/checks/batch', { json: { purpose: 'crash test', documents } });
        await acknowledged(answer, 200, 'checks', 'batch check');
      }
    }),
    loop(async (turn) => {
      const created = await client.call(logins.officer, 'POST', '/reports', {
        json: { incidentType: 'smuggling-land', where: { country: 'IDN', place: `Crash ${round}.${turn}` }, when: { from: '2024-05-01' }, sharing: SHARING },
      });
      const made = await acknowledged(created, 201, 'approvals', 'report created');
      if (!made) return;
      const id = dataOf(made).id;
      const submitted = await client.call(logins.officer, 'POST', `/reports/${id}/submit`);
      if (!(await acknowledged(submitted, 200, 'approvals', 'report submitted'))) return;
      log.submitted.push(id);
      const approved = await client.call(logins.approver, 'POST', `/reports/${id}/approve`);
      if (await acknowledged(approved, 200, 'approvals', 'report approved')) log.approved.push(id);
    }),
    loop(async (turn) => {
      const answer = await client.call(logins.officer, 'POST', '/bulletins', {
        json: { type: 'alert', title: `Crash bulletin ${round}.${turn}`, body: 'Fraudulent visas seen at the ferry port.', sharing: SHARING },
      });
      const issued = await acknowledged(answer, 201, 'bulletins', 'bulletin issued');
      if (issued) log.bulletins.push(dataOf(issued).id);
    }),
    loop(async (turn) => {
      const answer = await client.call(logins.officer, 'POST', '/linkage/leads', {
        json: { title: `Crash lead ${round}.${turn}`, subject: 'vessel', entities: [{ type: 'phone', value: `+6281234${String(round * 1000 + turn).padStart(5, '0')}` }], sharing: SHARING },
      });
      const made = await acknowledged(answer, 201, 'linkage', 'lead created');
      if (made) log.leads.push(dataOf(made).id);
    }),
    loop(async (turn) => {
      const reference = subjectReference(round * 100_000 + turn);
      const answer = await client.call(logins.officer, 'POST', '/biometrics/subjects', {
        json: { reference, template: { format: FACE_FORMAT, vector: template(subjectSeed(reference)) }, biographic: { familyName: `Crash ${round}.${turn}` } },
      });
      if (await acknowledged(answer, 201, 'enrolments', 'subject enrolled')) log.enrolled.push(reference);
    }),
  ]);
}

/** With the server dead: the database opens, the chain verifies, what was acknowledged is there, imports are whole. */
async function inspect(options: CrashOptions, log: RoundLog, tally: CrashTally, problem: (line: string) => void): Promise<{ auditRows: number; registerRows: number; titles: string[]; sharedReports: number; enrolledSeeds: number[] }> {
  const db = await options.open();
  try {
    const verdict = await verifyAudit(db);
    if (!verdict.ok) problem(`the audit chain does not verify: ${JSON.stringify(verdict.firstBad)}`);
    tally.auditRows = verdict.rows;
    return await db.ownerTransaction(async (tx) => {
      const ids = log.audited.map((entry) => entry.requestId);
      const audited = new Set((await tx.query<{ request_id: string }>(sql`SELECT DISTINCT request_id FROM audit_log WHERE request_id = ANY(${ids}::text[])`)).map((row) => row.request_id));
      for (const entry of log.audited) if (!audited.has(entry.requestId)) problem(`${entry.what} (request ${entry.requestId}) was acknowledged but has no audit row`);
      const reportTags = new Map((await tx.query<{ agency: string; n: number }>(sql`SELECT agency, count(*)::int AS n FROM reports WHERE owner = ${OWNER} AND agency = ANY(${log.reportImports.map((a) => a.tag)}::text[]) GROUP BY agency`)).map((row) => [row.agency, row.n]));
      const registerTags = new Map((await tx.query<{ remarks: string; n: number }>(sql`SELECT remarks, count(*)::int AS n FROM travel_documents WHERE issuer = ${OWNER} AND remarks = ANY(${log.registerImports.map((a) => a.tag)}::text[]) GROUP BY remarks`)).map((row) => [row.remarks, row.n]));
      // Every import of a round names the same rows with a new tag, so it rewrites them all: the rows hold
      // the tag of the newest import that committed, whole, and that is no older than the last acknowledged.
      const whole = (kind: 'report-import' | 'register-import', attempts: ImportAttempt[], found: Map<string, number>, rows: number): void => {
        const holding = attempts.filter((a) => (found.get(a.tag) ?? 0) > 0);
        if (holding.length > 1) problem(`${kind}: rows of ${holding.length} imports of one round are visible (${holding.map((a) => a.tag).join(', ')})`);
        for (const a of holding) if (found.get(a.tag) !== rows) problem(`${kind} ${a.tag}: ${found.get(a.tag)} of ${rows} rows are visible: half an import`);
        const lastAcknowledged = attempts.findLastIndex((a) => a.acknowledged);
        const newest = holding.length ? attempts.indexOf(holding[holding.length - 1] as ImportAttempt) : -1;
        if (newest < lastAcknowledged) problem(`${kind} ${attempts[lastAcknowledged]?.tag}: acknowledged, but its rows are not there`);
        if (newest >= 0 && !attempts[newest]?.acknowledged) tally.cutCommitted[kind]++;
      };
      whole('report-import', log.reportImports, reportTags, options.reportRows);
      whole('register-import', log.registerImports, registerTags, options.registerRows);
      const approved = new Set((await tx.query<{ id: string }>(sql`SELECT id FROM reports WHERE id = ANY(${log.approved}::uuid[]) AND status = 'shared'`)).map((row) => row.id));
      for (const id of log.approved) if (!approved.has(id)) problem(`report ${id} was acknowledged approved but is not`);
      const submitted = new Set((await tx.query<{ id: string }>(sql`SELECT id FROM reports WHERE id = ANY(${log.submitted}::uuid[]) AND status IN ('submitted', 'shared')`)).map((row) => row.id));
      for (const id of log.submitted) if (!submitted.has(id)) problem(`report ${id} was acknowledged submitted but is not`);
      const bulletins = new Set((await tx.query<{ id: string }>(sql`SELECT id FROM bulletins WHERE id = ANY(${log.bulletins}::uuid[])`)).map((row) => row.id));
      for (const id of log.bulletins) if (!bulletins.has(id)) problem(`bulletin ${id} was acknowledged but is not there`);
      const leads = new Set((await tx.query<{ id: string }>(sql`SELECT id FROM linkage_leads WHERE id = ANY(${log.leads}::uuid[])`)).map((row) => row.id));
      for (const id of log.leads) if (!leads.has(id)) problem(`lead ${id} was acknowledged but is not there`);
      const references = (await tx.query<{ reference: string }>(sql`SELECT reference FROM biometric_subjects WHERE owner = ${OWNER}`)).map((row) => row.reference);
      const inGallery = new Set(references);
      for (const reference of log.enrolled) if (!inGallery.has(reference)) problem(`subject ${reference} was acknowledged enrolled but is not in the gallery`);
      const { n } = await tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM travel_documents WHERE issuer = ${OWNER}`);
      const titles = (await tx.query<{ title: string }>(sql`SELECT title FROM bulletins WHERE owner = ${OWNER}`)).map((row) => row.title);
      const { shared } = await tx.one<{ shared: number }>(sql`SELECT count(*)::int AS shared FROM reports WHERE owner = ${OWNER} AND status = 'shared'`);
      return { auditRows: verdict.rows, registerRows: n, titles, sharedReports: shared, enrolledSeeds: references.map(subjectSeed) };
    });
  } finally {
    await db.close();
  }
}

/** After a restart: the other member's checks of register numbers agree with what the database holds. */
async function checkIndex(client: Client, checker: Login, committed: number, rows: number, random: () => number, problem: (line: string) => void): Promise<number> {
  // Numbers the import writes: those committed must hit, and (when none committed yet) none may.
  const sample = Array.from({ length: 100 }, () => Math.floor(random() * rows));
  const answer = await client.call(checker, 'POST', '/documents/checks/batch', {
    json: { purpose: 'crash test: index after restart', documents: sample.map((i) => ({ issuer: OWNER, type: 'passport', number: documentNumber(i) })) },
  });
  if (!answer || answer.status !== 200) {
    problem(`the restarted server's batch check answered ${answer?.status ?? 'nothing'}`);
    return 0;
  }
  const hits = (answer.body as { data: { result: 'hit' | 'no-hit' }[] }).data.map((item) => item.result === 'hit');
  const expected = committed > 0;
  const wrong = hits.filter((hit) => hit !== expected).length;
  if (wrong > 0) problem(`after a restart ${wrong} of ${hits.length} checks disagree with the database (${committed} documents committed)`);
  return hits.length;
}

/**
 * After a restart: the other member's face searches hit, with the right reference, a sample of the
 * faces the database holds in the owner's gallery, and a face never enrolled hits nothing (the
 * gallery's in-memory index came back equal to the database). Gives the number of searches made.
 */
async function checkGallery(client: Client, logins: Logins, seeds: readonly number[], random: () => number, problem: (line: string) => void): Promise<number> {
  // Enrolled faces' seeds are round × 100,000 + turn: one far above them was never enrolled.
  const never = 900_000_000 + Math.floor(random() * 1_000_000);
  const sample = [...Array.from({ length: Math.min(10, seeds.length) }, () => seeds[Math.floor(random() * seeds.length)] as number), never];
  for (const seed of sample) {
    const answer = await client.call(logins.checker, 'POST', '/biometrics/searches', { json: { agreement: logins.agreement, purpose: 'irregular-arrival', template: { format: FACE_FORMAT, vector: again(seed) } } });
    if (!answer || answer.status !== 201) {
      problem(`the restarted server's face search answered ${answer?.status ?? 'nothing'} ${JSON.stringify(answer?.body ?? '').slice(0, 300)}`);
      return 0;
    }
    const results = (answer.body as { data: { results: { holder: string; hit: boolean; candidates?: { reference: string }[] }[] } }).data.results;
    const found = results.find((result) => result.holder === OWNER);
    const references = found?.candidates?.map((candidate) => candidate.reference) ?? [];
    if (seed === never && found?.hit) problem(`after a restart a face never enrolled hits ${references.join(', ')}`);
    if (seed !== never && !references.includes(subjectReference(seed))) problem(`after a restart the face of ${subjectReference(seed)}, in the database, is not found (${found?.hit ? references.join(', ') : 'no hit'})`);
  }
  return sample.length;
}

/** After a restart: the reports analysis store (in memory) counts the owner's shared reports as the database does. */
async function checkAnalysis(client: Client, officer: Login, shared: number, problem: (line: string) => void): Promise<void> {
  const answer = await client.call(officer, 'GET', '/reports/analysis');
  const counted = answer?.status === 200 ? (answer.body as { totals: { reports: number } }).totals.reports : null;
  if (counted !== shared) problem(`after a restart the reports analysis counts ${counted ?? `nothing (${answer?.status ?? 'no answer'})`} shared reports, the database ${shared}`);
}
