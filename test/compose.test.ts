import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

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
  expect(upstreams.map((upstream) => upstream.replace(/:8080$/, '')).sort()).toEqual(services);
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
