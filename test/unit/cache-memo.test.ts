/** The in-process copy of rollup caches: served only while its clock matches, bounded by rows, least recently used dropped first. */
import { describe, expect, it } from 'vitest';
import { CacheMemo } from '../../src/services/insights/rollups/cache-memo.js';
import type { Row } from '../../src/services/insights/rollups/rows.js';

const rows = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({ tp: `t${i}`, cat: 'PROMOTER', an: 1, th: null, se: null, av: null, n: 1, ss: 10 }));
const clockIs = (expected: number) => (clock: unknown) => clock === expected;

describe('CacheMemo', () => {
  it('serves rows only while their clock is the one asked for', () => {
    const memo = new CacheMemo(10);
    memo.set('base|d|2026-01-01|base', 3, rows(2));
    expect(memo.get('base|d|2026-01-01|base', clockIs(3))).toHaveLength(2);
    expect(memo.get('base|d|2026-01-01|base', clockIs(4))).toBeUndefined();
    expect(memo.get('base|d|2026-01-02|base', clockIs(3))).toBeUndefined();
    memo.set('base|d|2026-01-02|base', 1, null); // too big to cache: remembered as such
    expect(memo.get('base|d|2026-01-02|base', clockIs(1))).toBeNull();
  });

  it('holds at most maxRows rows, dropping the least recently used', () => {
    const memo = new CacheMemo(10);
    memo.set('a', 1, rows(4));
    memo.set('b', 1, rows(4));
    expect(memo.get('a', clockIs(1))).toHaveLength(4); // a is now the most recently used
    memo.set('c', 1, rows(4));
    expect(memo.get('b', clockIs(1))).toBeUndefined();
    expect(memo.get('a', clockIs(1))).toHaveLength(4);
    expect(memo.get('c', clockIs(1))).toHaveLength(4);
    memo.set('huge', 1, rows(11));
    expect(memo.get('huge', clockIs(1))).toBeUndefined();
    memo.set('a', 2, rows(1)); // replaced, not counted twice
    memo.set('d', 1, rows(5));
    expect(memo.get('a', clockIs(2))).toHaveLength(1);
    expect(memo.get('c', clockIs(1))).toHaveLength(4);
  });
});
