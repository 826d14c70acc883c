/** A job that runs again and again in this process: every `everyMs`, and whenever it is kicked. */
export interface RepeatingJob {
  /** Runs it now; during a run, once more as soon as that run ends. */
  kick(): void;
  /** No more runs; waits for the one under way. */
  stop(): Promise<void>;
}

/**
 * Runs `work` every `everyMs` (and at once with `runNow`), one run at a time: a kick or a tick that
 * comes during a run asks for one more run after it, however many come. Errors go to `onError`,
 * and the next tick runs it again. The timer does not keep the process alive.
 */
export function repeat(work: () => Promise<unknown>, options: { everyMs: number; onError: (error: unknown) => void; runNow?: boolean }): RepeatingJob {
  let current: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    if (current) {
      again = true;
      return;
    }
    current = work()
      .then(() => undefined, options.onError)
      .finally(() => {
        current = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, options.everyMs);
  timer.unref();
  if (options.runNow) run();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}

/**
 * A lane that runs the work given to it one piece at a time, in the order given: work that would
 * crowd a shared resource (a worker thread others use too) takes turns with other such work.
 * A piece that fails does not stop the lane.
 */
export function oneAtATime(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const turn = tail.then(work);
    tail = turn.then(() => undefined, () => undefined);
    return turn;
  };
}
