import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { loadConfig } from '../src/platform/config.js';

// The deployment recipe's pieces agree: each image is at a tag that does not move under an installation
// (the README's "Running it in production"), and the proxy balances over every server process the
// compose file starts, no fewer and no more.

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8');
const compose = read('compose.yaml');
const caddyfile = read('deploy/Caddyfile');

test('every image of compose.yaml but the one it builds is at a tag, never latest', () => {
  const images = [...compose.matchAll(/^\s*image:\s*(\S+)\s*$/gm)].map((match) => match[1]!);
  const pulled = images.filter((image) => !image.startsWith('lintas:'));
  expect(pulled.length).toBeGreaterThanOrEqual(3);
  for (const image of pulled) expect(image, image).toMatch(/^[\w./-]+:(?!latest$)[\w.-]+$/);
});

test('the proxy balances over exactly the server processes compose.yaml starts', () => {
  const services = [...compose.matchAll(/^ {2}(lintas-\d+):\s*$/gm)].map((match) => match[1]!).sort();
  const upstreams = [...caddyfile.matchAll(/^\s*reverse_proxy\s+([^{]+)\{/gm)].flatMap((match) => match[1]!.trim().split(/\s+/));
  expect(services.length).toBeGreaterThanOrEqual(2);
  expect(upstreams.map((upstream) => upstream.replace(/^https:\/\//, '').replace(/:8080$/, '')).sort()).toEqual(services);
});

test('compose.logs.yaml sends every service’s log to the collector over TLS, verifying its certificate', () => {
  const logs = read('compose.logs.yaml');
  const services = compose.slice(compose.indexOf('\nservices:\n'), compose.indexOf('\nsecrets:\n'));
  const started = [...services.matchAll(/^ {2}([\w-]+):\s*$/gm)].map((match) => match[1]!).sort();
  const shipped = [...logs.matchAll(/^ {2}([\w-]+): \*remote-logs\s*$/gm)].map((match) => match[1]!).sort();
  expect(started.length).toBeGreaterThanOrEqual(6);
  expect(shipped).toEqual(started);
  expect(logs).toMatch(/^\s+driver: syslog$/m);
  expect(logs).toMatch(/^\s+syslog-address: tcp\+tls:\/\/\$\{LOGS_ADDRESS:\?/m);
  expect(logs).toMatch(/^\s+syslog-tls-ca-cert: \$\{LOGS_CA_CERT:\?/m);
  expect(logs).not.toMatch(/skip-verify/);
  expect(logs).toMatch(/^\s+mode: non-blocking$/m);
});

test('the inner network is encrypted and each end checked: the processes over HTTPS, the database over TLS only with verify-full, the relay with STARTTLS required', () => {
  const setting = (name: string) => compose.match(new RegExp(`^\\s+${name}: (.+)$`, 'm'))?.[1]?.replace(/^"(.*)"$/, '$1');

  // Lintas: the database with verify-full against the inner authority (so the process starts with
  // LINTAS_DATABASE_TLS=required), the relay with STARTTLS required against the same authority.
  const databaseUrl = setting('DATABASE_URL')!;
  expect(new URL(databaseUrl).searchParams.get('sslmode')).toBe('verify-full');
  expect(new URL(databaseUrl).searchParams.get('sslrootcert')).toBe('/run/secrets/internal_ca');
  expect(setting('LINTAS_DATABASE_TLS')).toBe('required');
  expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, LINTAS_DATABASE_TLS: 'required' }).databaseTls).toBe('required');
  expect(setting('SMTP_REQUIRE_TLS')).toBe('true');
  expect(setting('SMTP_TLS_CA')).toBe('/run/secrets/internal_ca');
  expect(setting('POSTFIX_smtpd_tls_security_level')).toBe('encrypt');
  // The proxy: HTTPS to every process, whose certificate it checks against the same authority for the
  // name the processes' certificate is made for; the processes serve it.
  expect(setting('LINTAS_TLS_CERT')).toBe('/run/secrets/lintas_tls_cert');
  expect(setting('LINTAS_TLS_KEY')).toBe('/run/secrets/lintas_tls_key');
  const upstreams = [...caddyfile.matchAll(/^\s*reverse_proxy\s+([^{]+)\{/gm)].flatMap((match) => match[1]!.trim().split(/\s+/));
  for (const upstream of upstreams) expect(upstream).toMatch(/^https:\/\//);
  expect(caddyfile).toMatch(/^\s+tls_trust_pool file \/etc\/caddy\/internal-ca\.crt$/m);
  expect(caddyfile).toMatch(/^\s+tls_server_name lintas$/m);
  expect(compose).toMatch(/^\s+- \.\/secrets\/internal-ca\.crt:\/etc\/caddy\/internal-ca\.crt:ro$/m);
  expect(caddyfile).not.toMatch(/insecure_skip_verify/);

  // The database: TLS on, and no line of its pg_hba.conf lets a network client in without it.
  expect(compose).toMatch(/^\s+- ssl=on$/m);
  expect(compose).toMatch(/^\s+- hba_file=\/etc\/lintas\/pg_hba\.conf$/m);
  const hba = read('deploy/pg_hba.conf')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
  expect(hba.length).toBeGreaterThanOrEqual(2);
  for (const line of hba) expect(line, line).toMatch(/^(local|hostssl)\s/);

  // The files compose.yaml reads are the ones the command in its header makes, and each certificate
  // is for the name Lintas checks, signed by the authority it checks against.
  const command = compose.match(/#\s+(deploy\/make-certs\.sh secrets( [\w.-]+)+)\s*$/m)?.[1];
  expect(command).toBe('deploy/make-certs.sh secrets db mail lintas');
  const folder = mkdtempSync(join(tmpdir(), 'lintas-compose-certs-'));
  try {
    execFileSync('sh', [fileURLToPath(new URL('../deploy/make-certs.sh', import.meta.url)), folder, ...command!.split(' ').slice(2)], { stdio: 'pipe' });
    const files = [...compose.matchAll(/^\s+file: \.\/secrets\/([\w.-]+\.(?:crt|key))$/gm)].map((match) => match[1]!).sort();
    expect(files).toEqual(['db.crt', 'db.key', 'internal-ca.crt', 'lintas.crt', 'lintas.key', 'mail.crt', 'mail.key']);
    const authority = new X509Certificate(readFileSync(join(folder, 'internal-ca.crt')));
    for (const name of ['db', 'mail', 'lintas']) {
      const certificate = new X509Certificate(readFileSync(join(folder, `${name}.crt`)));
      expect(certificate.checkHost(name), name).toBe(name);
      expect(certificate.checkHost('lintas-1'), name).toBeUndefined();
      expect(certificate.verify(authority.publicKey), name).toBe(true);
      expect(certificate.ca, name).toBe(false);
    }
    expect(authority.ca).toBe(true);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the processes serve through the serving login the database’s first start makes, with its own password, over TLS', () => {
  const setting = (name: string) => compose.match(new RegExp(`^\\s+${name}: (.+)$`, 'm'))?.[1]?.replace(/^"(.*)"$/, '$1');
  const owner = new URL(setting('DATABASE_URL')!);
  const serving = new URL(setting('DATABASE_APP_URL')!);
  // The same database and server, another login, TLS checked as for the owner's.
  expect(serving.username).toBe('lintas_serving');
  expect(serving.password).toBe('');
  expect(`${serving.host}${serving.pathname}${serving.search}`).toBe(`${owner.host}${owner.pathname}${owner.search}`);
  expect(setting('DATABASE_APP_PASSWORD_FILE')).toBe('/run/secrets/db_serving_password');
  // The secret is made by the header's commands, given to the processes and to the database, whose first start makes the login.
  expect(compose).toMatch(/^#\s+openssl rand -hex 24 > secrets\/db_serving_password$/m);
  expect(compose).toMatch(/^ {2}db_serving_password:\n {4}file: \.\/secrets\/db_serving_password$/m);
  const secretsOf = [...compose.matchAll(/^\s+secrets: \[([^\]]+)\]$/gm)].map((match) => match[1]!.split(/,\s*/));
  expect(secretsOf.filter((list) => list.includes('db_serving_password'))).toHaveLength(2);
  expect(compose).toMatch(/^\s+- \.\/deploy\/db-init\.sh:\/docker-entrypoint-initdb\.d\/[\w-]+\.sh:ro$/m);
  const init = read('deploy/db-init.sh');
  expect(init).toContain('/run/secrets/db_serving_password');
  expect(init).toMatch(/CREATE ROLE lintas_serving LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB IN ROLE lintas_app/);
  // The password reaches psql as a variable, never as part of the statement's text.
  expect(init).toMatch(/PASSWORD :'password'/);
  expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: owner.toString(), DATABASE_APP_URL: serving.toString(), LINTAS_DATABASE_TLS: 'required' }).databaseTls).toBe('required');
});

test('every upload is scanned by the clamav service, reached on a network only the Lintas processes and clamav are on, which has no way out', () => {
  const setting = compose.match(/^\s+LINTAS_CLAMD: (.+)$/m)?.[1];
  expect(loadConfig({ LINTAS_CLAMD: setting ?? '' }).clamd).toEqual({ host: 'clamav', port: 3310 });
  const services = compose.slice(compose.indexOf('\nservices:\n'), compose.indexOf('\nsecrets:\n'));
  const blocks = new Map([...services.matchAll(/^ {2}([\w-]+):\s*\n((?: {4}.*\n|\s*\n)*)/gm)].map((match) => [match[1]!, match[2]!]));
  expect(blocks.get('clamav')).toMatch(/^\s+networks: \[scan, signatures\]$/m);
  // The Lintas processes take the network from the anchor they all merge; no other service is on scan.
  const anchor = compose.slice(compose.indexOf('x-lintas: &lintas'), compose.indexOf('\nservices:\n'));
  expect(anchor).toMatch(/^\s+networks: \[default, scan\]$/m);
  const onScan = [...blocks].filter(([, block]) => /networks:.*\bscan\b/.test(block) || block.includes('<<: *lintas')).map(([name]) => name).sort();
  expect(onScan).toEqual(['clamav', 'lintas-1', 'lintas-2', 'migrate']);
  const networks = compose.slice(compose.indexOf('\nnetworks:\n'));
  expect(networks).toMatch(/^ {2}scan:\n {4}internal: true$/m);
});

test('a stopping process fails /readyz for longer than Caddy takes to see it, and Docker gives it the time', () => {
  const drain = Number(/^\s+LINTAS_SHUTDOWN_DRAIN_SECONDS: "(\d+)"$/m.exec(compose)?.[1]);
  const interval = Number(/^\s+health_interval (\d+)s$/m.exec(caddyfile)?.[1]);
  const timeout = Number(/^\s+health_timeout (\d+)s$/m.exec(caddyfile)?.[1]);
  const grace = Number(/^\s+stop_grace_period: (\d+)s$/m.exec(compose)?.[1]);
  // The check runs at most `interval` after the drain begins and answers within `timeout`: then the process is out of rotation.
  expect(drain).toBeGreaterThan(interval + timeout);
  expect(loadConfig({ LINTAS_SHUTDOWN_DRAIN_SECONDS: String(drain) }).shutdownDrainSeconds).toBe(drain);
  // Docker sends SIGKILL after the grace period: the drain and the requests in flight fit well within it.
  expect(grace).toBeGreaterThanOrEqual(drain + 10);
  // A refused connection leaves the process out, so the retry goes to another.
  expect(caddyfile).toMatch(/^\s+fail_duration \d+s$/m);
  expect(caddyfile).toMatch(/^\s+lb_retries [1-9]$/m);
});
