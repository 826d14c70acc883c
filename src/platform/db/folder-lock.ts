import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface FolderLock {
  release(): void;
}

export class FolderLockedError extends Error {
  constructor(folder: string, pid: number) {
    super(`the data folder ${folder} is in use by another Lintas process (pid ${pid}); stop it first or set LINTAS_DATA to another folder`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process: a lock file created exclusively, holding our pid.
 * A lock left by a process that no longer runs is taken over; a live one is an error.
 */
export function acquireFolderLock(folder: string): FolderLock {
  const path = join(folder, 'lintas.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        rmSync(path, { force: true });
      };
      process.on('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new FolderLockedError(folder, pid);
      if (pid === process.pid) throw new FolderLockedError(folder, pid);
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock the data folder ${folder}`);
}
