import { describe, expect, test } from 'vitest';
import { RowVersions } from './row-versions.js';

describe('rows kept under their versions', () => {
  test('a value is found only under the version it was made from; another version drops it', () => {
    const kept = new RowVersions<string>(10, 60_000);
    kept.set('doc-1 other', '100', 'as of 100', 0);
    expect(kept.get('doc-1 other', '100', 1)).toBe('as of 100');
    expect(kept.get('doc-1 owner', '100', 1)).toBeUndefined();
    expect(kept.get('doc-1 other', '101', 1)).toBeUndefined();
    // The newer version was asked for: the old value is gone even for its own version.
    expect(kept.get('doc-1 other', '100', 1)).toBeUndefined();
    expect(kept.size).toBe(0);
  });

  test('a value older than the longest age is not given, whatever its version', () => {
    const kept = new RowVersions<string>(10, 1_000);
    kept.set('a', '1', 'x', 0);
    expect(kept.get('a', '1', 1_000)).toBe('x');
    expect(kept.get('a', '1', 1_001)).toBeUndefined();
    expect(kept.size).toBe(0);
  });

  test('past its capacity the cache drops the value set longest ago, and setting again renews', () => {
    const kept = new RowVersions<number>(3, 60_000);
    kept.set('a', '1', 1, 0);
    kept.set('b', '1', 2, 0);
    kept.set('c', '1', 3, 0);
    kept.set('a', '2', 11, 0); // renewed: now the newest
    kept.set('d', '1', 4, 0); // drops b, the oldest
    expect(kept.size).toBe(3);
    expect(kept.get('b', '1', 0)).toBeUndefined();
    expect(kept.get('a', '2', 0)).toBe(11);
    expect(kept.get('c', '1', 0)).toBe(3);
    expect(kept.get('d', '1', 0)).toBe(4);
  });
});
