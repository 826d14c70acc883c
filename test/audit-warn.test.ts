import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// ASVS 1.14.3 / 14.2.1: the build warns of vulnerable production dependencies (`npm run audit` in
// `.ci/run` through scripts/audit-warn.sh) and never fails on them, nor when the registry is silent.
// The audit itself is replaced by a command of the test's own: no registry is asked here.

const SCRIPT = fileURLToPath(new URL('../scripts/audit-warn.sh', import.meta.url));

function warn(command: string, seconds = 60): { status: number | null; out: string } {
  const ran = spawnSync(SCRIPT, { env: { PATH: process.env.PATH, LINTAS_AUDIT_COMMAND: command, LINTAS_AUDIT_SECONDS: String(seconds) }, encoding: 'utf8' });
  return { status: ran.status, out: ran.stdout + ran.stderr };
}

test('CI runs the audit of the production dependencies at level high through the warning script', () => {
  const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.audit).toBe('npm audit --omit=dev --audit-level=high');
  expect(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')).toMatch(/^scripts\/audit-warn\.sh$/m);
});

test('findings are printed as a WARNING and the run goes on', () => {
  const found = warn("printf '# npm audit report\\n\\nsomepkg  <1.2.3\\nSeverity: high\\n\\n1 high severity vulnerability\\n'; exit 1");
  expect(found.status).toBe(0);
  expect(found.out).toMatch(/^WARNING: npm audit found known vulnerabilities/);
  expect(found.out).toContain('  1 high severity vulnerability');
});

test('an unreachable registry or a silent one is a WARNING too, never a failure', () => {
  const unreachable = warn("echo 'npm error audit endpoint returned an error' >&2; exit 1");
  expect(unreachable).toEqual({ status: 0, out: expect.stringMatching(/^WARNING: npm audit could not check the production dependencies \(exit 1\):\n {2}npm error audit endpoint/) as unknown });
  const silent = warn('sleep 30', 1);
  expect(silent).toEqual({ status: 0, out: expect.stringMatching(/^WARNING: npm audit did not answer within 1 s/) as unknown });
});

test('a clean audit says so, without a warning', () => {
  expect(warn("echo 'found 0 vulnerabilities'")).toEqual({ status: 0, out: 'npm audit: no known high or critical vulnerability in the production dependencies\n' });
});
