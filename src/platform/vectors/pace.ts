/**
 * Long work done in turns, so the event loop serves requests between them: a pace says how many
 * rows the next turn takes so that one turn lasts about `milliseconds`, from the last turn's rate.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export { nextTurn };

export class Pace {
  /** Rows the next turn takes. */
  rows: number;
  /** The longest turn so far, in milliseconds. */
  longest = 0;

  constructor(private readonly milliseconds: number, first: number) {
    this.rows = first;
  }

  /** Times `work(rows)` and sets the next turn's rows: at most twice as many, fewer at once when a turn ran long. */
  run(work: (rows: number) => number): void {
    const started = performance.now();
    const done = work(this.rows);
    const elapsed = performance.now() - started;
    this.longest = Math.max(this.longest, elapsed);
    if (done < this.rows) return;
    const fitting = elapsed > 0 ? Math.floor((this.milliseconds * done) / elapsed) : Number.POSITIVE_INFINITY;
    this.rows = Math.max(1, Math.min(fitting, this.rows * 2));
  }
}
