/**
 * Summarises a V8 CPU profile (node --cpu-prof) of the server: self time by where the code comes
 * from (our source, Fastify, the pg driver, PGlite, Node's internals, garbage collection, idle)
 * and the functions with the most self time.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  seconds: number;
  /** Share of samples not idle. */
  busy: number;
  /** Share of the busy (not idle) samples, 0–1, by origin, largest first. */
  byOrigin: [string, number][];
  /** The functions with most self time: name (file:line) and share of the busy samples. */
  topFunctions: [string, number][];
}

function origin(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return 'V8 and native (program)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packageMatch?.[1]) {
    const name = packageMatch[1];
    if (name === 'fastify' || name.startsWith('@fastify/') || ['find-my-way', 'light-my-request', 'avvio', 'fast-json-stringify', 'ajv'].includes(name)) return `HTTP framework (${name})`;
    return `package ${name}`;
  }
  if (url.includes('/src/')) return `lintas ${url.slice(url.indexOf('/src/') + 1).split('/').slice(0, 3).join('/')}`;
  if (url.startsWith('node:') || url === '') return 'Node.js internals and native';
  return url;
}

export function summariseProfile(path: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const idleIds = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  const idle = profile.samples.filter((id) => idleIds.has(id)).length;
  const busy = profile.samples.length - idle || 1;
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, count] of counts) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const where = origin(url, functionName);
    origins.set(where, (origins.get(where) ?? 0) + count);
    const file = url.replace(/^.*\/(node_modules|src)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${file ? `(${file}:${lineNumber + 1})` : ''}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + count);
  }
  const share = (entries: Map<string, number>, limit: number): [string, number][] =>
    [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([key, count]) => [key, Number((count / busy).toFixed(3))]);
  return {
    seconds: Number(((profile.endTime - profile.startTime) / 1e6).toFixed(1)),
    busy: Number((busy / (profile.samples.length || 1)).toFixed(3)),
    byOrigin: share(origins, 14),
    topFunctions: share(functions, 20),
  };
}

