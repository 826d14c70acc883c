// Lintas serving HTTPS itself (LINTAS_TLS_CERT and LINTAS_TLS_KEY), as the Compose recipe has it
// behind its proxy, so that the hop between them is encrypted too (ASVS 1.9.1), and the image's
// health check that asks it.
import { spawn } from 'node:child_process';
import https from 'node:https';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../../../test/support/server.js';
import { makeCertificates } from '../../../test/support/tls.js';
import { loadConfig } from '../config.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** GET `path` over TLS, the certificate checked against `ca` for the name `servername`. */
function get(url: string, path: string, ca: string, servername = 'lintas'): Promise<{ status: number; body: string; subject: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const request = https.get({ host: hostname, port, path, ca, servername, agent: false }, (response) => {
      const socket = response.socket;
      if (!(socket instanceof tls.TLSSocket)) throw new Error('the answer came over a plain socket');
      const subject = String(socket.getPeerCertificate().subject?.CN ?? '');
      const protocol = socket.getProtocol() ?? '';
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, subject, protocol }));
    });
    request.on('error', reject);
  });
}

describe('serving HTTPS', () => {
  let certificates: ReturnType<typeof makeCertificates>;
  let stranger: ReturnType<typeof makeCertificates>;
  let server: Server;
  const log: string[] = [];

  beforeAll(async () => {
    certificates = makeCertificates(['lintas']);
    stranger = makeCertificates(['lintas']);
    server = await startTestServer({ env: { LINTAS_TLS_CERT: join(certificates.folder, 'lintas.crt'), LINTAS_TLS_KEY: join(certificates.folder, 'lintas.key') }, log: { write: (line) => void log.push(line) } });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    certificates?.remove();
    stranger?.remove();
  });

  test('answers over TLS 1.2 or later with its certificate, which checks out against the authority for its name', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(server.url, '/healthz', certificates.ca);
    expect(health).toMatchObject({ status: 200, subject: 'lintas' });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(health.protocol);
    const ready = await get(server.url, '/readyz', certificates.ca);
    expect(ready.status, ready.body).toBe(200);
    const document = await get(server.url, '/api/openapi.json', certificates.ca);
    expect(document.status).toBe(200);
    expect(JSON.parse(document.body)).toHaveProperty('openapi');
  });

  test('its log says it listens on https, not http', () => {
    const listening = log.map((line) => JSON.parse(line) as { msg?: string }).filter((line) => line.msg?.startsWith('Server listening'));
    expect(listening.map((line) => line.msg)).toEqual([expect.stringMatching(/^Server listening at https:\/\/127\.0\.0\.1:\d+$/)]);
  });

  test('a client checking another authority, or another name, refuses it; a plain HTTP client gets no answer', async () => {
    await expect(get(server.url, '/healthz', stranger.ca)).rejects.toThrow(/unable to verify|self.signed/);
    await expect(get(server.url, '/healthz', certificates.ca, 'db')).rejects.toThrow(/does not match|altnames/);
    await expect(fetch(server.url.replace('https:', 'http:') + '/healthz')).rejects.toThrow();
  });

  test('the image’s health check asks it over HTTPS when LINTAS_TLS_CERT is set, and fails asking it in plain HTTP', async () => {
    const script = fileURLToPath(new URL('../../../deploy/healthcheck.cjs', import.meta.url));
    const port = new URL(server.url).port;
    // A process of its own, not waited for synchronously: the server answering it runs in this one.
    const check = (env: Record<string, string>) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, PORT: port, ...env }, stdio: 'ignore' });
        child.once('exit', (code) => resolve(code));
      });
    expect(await check({ LINTAS_TLS_CERT: '/run/secrets/lintas_tls_cert' })).toBe(0);
    expect(await check({})).toBe(1);
  });
});

test('LINTAS_TLS_CERT and LINTAS_TLS_KEY go together, and each must hold what its name says', () => {
  const certificates = makeCertificates(['lintas']);
  try {
    const cert = join(certificates.folder, 'lintas.crt');
    const key = join(certificates.folder, 'lintas.key');
    expect(loadConfig({ LINTAS_TLS_CERT: cert, LINTAS_TLS_KEY: key }).tls).toEqual({ cert: certificates.of('lintas').cert, key: certificates.of('lintas').key });
    expect(loadConfig({}).tls).toBeUndefined();
    expect(() => loadConfig({ LINTAS_TLS_CERT: cert })).toThrow(/LINTAS_TLS_CERT and LINTAS_TLS_KEY go together/);
    expect(() => loadConfig({ LINTAS_TLS_CERT: key, LINTAS_TLS_KEY: key })).toThrow(/LINTAS_TLS_CERT: .* holds no PEM certificate/);
    expect(() => loadConfig({ LINTAS_TLS_CERT: cert, LINTAS_TLS_KEY: cert })).toThrow(/LINTAS_TLS_KEY: .* holds no PEM private key/);
    const missing = join(certificates.folder, 'missing.crt');
    expect(() => loadConfig({ LINTAS_TLS_CERT: missing, LINTAS_TLS_KEY: key })).toThrow(/LINTAS_TLS_CERT: cannot read/);
  } finally {
    certificates.remove();
  }
});
