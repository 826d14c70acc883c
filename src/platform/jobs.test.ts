import { describe, expect, test } from 'vitest';
import { oneAtATime, repeat } from './jobs.js';

describe('repeat', () => {
  test('one run at a time: kicks during a run make one more run; errors go to onError; stop waits for the run', async () => {
    let runs = 0;
    let active = 0;
    let most = 0;
    const errors: unknown[] = [];
    let release: () => void = () => undefined;
    const job = repeat(
      async () => {
        runs++;
        active++;
        most = Math.max(most, active);
        await new Promise<void>((resolve) => (release = resolve));
        active--;
        if (runs === 2) throw new Error('second run fails');
      },
      { everyMs: 60_000, onError: (error) => errors.push(error), runNow: true },
    );
    expect(runs).toBe(1);
    job.kick();
    job.kick();
    job.kick();
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Three kicks during the first run: one more run, not three.
    expect(runs).toBe(2);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors).toHaveLength(1);
    expect(most).toBe(1);
    job.kick();
    expect(runs).toBe(3);
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stopped).toBe(false);
    release();
    await stopping;
    job.kick();
    expect(runs).toBe(3);
  });

  test('the interval runs it; without runNow, not before', async () => {
    let runs = 0;
    const job = repeat(
      async () => {
        runs++;
      },
      { everyMs: 20, onError: () => undefined },
    );
    expect(runs).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect(runs).toBeGreaterThanOrEqual(2);
    await job.stop();
  });
});

describe('oneAtATime', () => {
  test('pieces run one at a time in the order given; a failing piece does not stop the lane', async () => {
    const lane = oneAtATime();
    const order: string[] = [];
    let active = 0;
    let most = 0;
    const piece = (name: string, fail = false) => lane(async () => {
      active++;
      most = Math.max(most, active);
      order.push(`${name} starts`);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(`${name} ends`);
      active--;
      if (fail) throw new Error(`${name} fails`);
      return name;
    });
    const results = await Promise.allSettled([piece('a'), piece('b', true), piece('c')]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual(['a', 'b fails', 'c']);
    expect(most).toBe(1);
    expect(order).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
  });
});
