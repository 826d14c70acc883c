import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface Measurement {
  path: string;
  /** Successful (2xx) responses per second over the measured window. */
  requestsPerSecond: number;
  /** Latency in milliseconds (autocannon records whole milliseconds). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  connections: number;
  /** Share of the machine's CPU busy just before the run, while the server sat idle: others' work. */
  backgroundCpu: number;
  /** Cores the server process used during the run (1 = one core, the most its event loop can use). */
  serverCores: number;
  /** Share of the machine's CPU busy during the run (server, database, load generator, anything else). */
  machineBusy: number;
  /** Server process CPU milliseconds per successful response. */
  serverCpuMsPerRequest: number;
}

/** How long a measurement waits for the machine to be quiet before it starts anyway. */
export const QUIET_PATIENCE_SECONDS = Number(process.env.BENCH_QUIET_SECONDS ?? 30);

export interface LoadOptions {
  seconds: number;
  connections: number;
  warmupSeconds: number;
  headers: Record<string, string>;
  /** The server's process id, to read its CPU time (Linux). */
  serverPid?: number | undefined;
  /** Seconds to wait for a quiet machine before the measured run; QUIET_PATIENCE_SECONDS unless given. */
  quietPatienceSeconds?: number;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far (Linux /proc), or NaN. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // Fields after the command name: state is 3rd, utime 14th, stime 15th of the whole line.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** The share of all cores busy over the next `ms` milliseconds (Linux), or NaN elsewhere. */
export async function cpuBusy(ms = 1000): Promise<number> {
  try {
    const before = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const after = cpuTimes();
    return (after.busy - before.busy) / Math.max(1, after.total - before.total);
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits (up to `patienceSeconds`) until the machine is quiet, so another process's work does
 * not count against the server; returns the busy share seen last.
 */
export async function waitForQuiet(patienceSeconds = QUIET_PATIENCE_SECONDS, threshold = 0.15): Promise<number> {
  const deadline = Date.now() + patienceSeconds * 1000;
  let busy = await cpuBusy();
  while (busy > threshold && Date.now() < deadline) busy = await cpuBusy();
  return busy;
}

/** Drives `base + path` with keep-alive connections: a short warm-up, then the measured run. */
export async function measure(base: string, path: string, options: LoadOptions): Promise<Measurement> {
  const url = base + path;
  if (options.warmupSeconds > 0) {
    await autocannon({ url, connections: options.connections, duration: options.warmupSeconds, headers: options.headers, timeout: 30 });
  }
  const backgroundCpu = await waitForQuiet(options.quietPatienceSeconds ?? QUIET_PATIENCE_SECONDS);
  const serverBefore = processCpuSeconds(options.serverPid);
  const machineBefore = cpuTimes();
  const result = await autocannon({ url, connections: options.connections, duration: options.seconds, headers: options.headers, timeout: 30 });
  const serverCpu = processCpuSeconds(options.serverPid) - serverBefore;
  const machineAfter = cpuTimes();
  const ok = result['2xx'];
  return {
    path,
    requestsPerSecond: Math.round(ok / result.duration),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: Number(result.latency.average.toFixed(2)),
    responses: ok + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    connections: options.connections,
    backgroundCpu: Number(backgroundCpu.toFixed(2)),
    serverCores: Number((serverCpu / result.duration).toFixed(2)),
    machineBusy: Number(((machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total)).toFixed(2)),
    serverCpuMsPerRequest: ok > 0 ? Number(((serverCpu * 1000) / ok).toFixed(3)) : Number.NaN,
  };
}
