/**
 * Transparent huge pages for the benchmarks' big typed arrays (the travel-document index). Node's
 * array buffers come from glibc's malloc, which asks the kernel for huge pages (madvise) only when
 * the process starts with the tunable below; a Linux kernel whose THP setting is `madvise` (Debian's
 * default) then backs a 2 GiB index with 2 MiB pages, so a lookup needs far fewer page walks. See
 * README "Memory" for the server. Without glibc (macOS, musl) the variable is ignored.
 */
import { readFileSync } from 'node:fs';

const TUNABLE = 'glibc.malloc.hugetlb=1';

/** `env` with the tunable added (kept as it is when `off` or already set). */
export function withHugePages(env: NodeJS.ProcessEnv, off = false): NodeJS.ProcessEnv {
  if (off || process.platform !== 'linux' || env.GLIBC_TUNABLES?.includes('glibc.malloc.hugetlb')) return env;
  return { ...env, GLIBC_TUNABLES: env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${TUNABLE}` : TUNABLE };
}

/** Whether this process started with the tunable. */
export function hugePagesAsked(): boolean {
  return process.env.GLIBC_TUNABLES?.includes(TUNABLE) ?? false;
}

/** Bytes of this process's memory on transparent huge pages (0 where the kernel does not say). */
export function hugePageBytes(): number {
  try {
    const match = /^AnonHugePages:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
